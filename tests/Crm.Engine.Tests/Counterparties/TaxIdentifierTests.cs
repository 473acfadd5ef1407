using Crm.Modules.Counterparties;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>Real identifiers (public registers and the IBAN standard's examples) and their mistyped neighbours.</summary>
public sealed class TaxIdentifierTests
{
    [Theory]
    [InlineData("5260250274")]          // Ministerstwo Finansów
    [InlineData("526-025-02-74")]
    [InlineData("PL 5260250274")]
    [InlineData("7740001454")]          // PKN Orlen
    public void Nip_Valid(string nip) => Assert.Null(TaxIdentifiers.CheckNip(nip));

    [Theory]
    [InlineData("5260250275", "check digit")]
    [InlineData("7740001455", "check digit")]
    [InlineData("526025027", "10 digits")]
    [InlineData("52602502AB", "10 digits")]
    public void Nip_Invalid(string nip, string message) => Assert.Contains(message, TaxIdentifiers.CheckNip(nip), StringComparison.Ordinal);

    [Theory]
    [InlineData("012100784")]           // GUS
    [InlineData("610188201")]           // PKN Orlen
    [InlineData("12345678512347")]      // 14-digit form
    public void Regon_Valid(string regon) => Assert.Null(TaxIdentifiers.CheckRegon(regon));

    [Theory]
    [InlineData("012100785")]
    [InlineData("12345678512348")]
    [InlineData("1234")]
    public void Regon_Invalid(string regon) => Assert.NotNull(TaxIdentifiers.CheckRegon(regon));

    [Theory]
    [InlineData("PL61 1090 1014 0000 0712 1981 2874")]
    [InlineData("61109010140000071219812874")]   // Polish NRB without the country code
    [InlineData("DE89370400440532013000")]
    [InlineData("GB29 NWBK 6016 1331 9268 19")]
    public void Iban_Valid(string iban) => Assert.Null(TaxIdentifiers.CheckIban(iban));

    [Theory]
    [InlineData("PL61 1090 1014 0000 0712 1981 2875", "check digits")]
    [InlineData("PL61 1090 1014 0000 0712 1981 287", "28 characters")]
    [InlineData("DE89370400440532013001", "check digits")]
    public void Iban_Invalid(string iban, string message) => Assert.Contains(message, TaxIdentifiers.CheckIban(iban), StringComparison.Ordinal);

    [Theory]
    [InlineData("PL5260250274")]
    [InlineData("DE129273398")]
    [InlineData("FR40303265045")]
    [InlineData("EL094259216")]
    [InlineData("NL004495445B01")]
    [InlineData("ATU13585627")]
    public void VatEu_Valid(string vat) => Assert.Null(TaxIdentifiers.CheckVatEu(vat));

    [Theory]
    [InlineData("PL5260250275", "NIP")]
    [InlineData("DE12927339", "format")]
    [InlineData("GR094259216", "prefix")]       // VIES uses EL for Greece
    [InlineData("5260250274", "prefix")]
    public void VatEu_Invalid(string vat, string message) => Assert.Contains(message, TaxIdentifiers.CheckVatEu(vat), StringComparison.Ordinal);
}
