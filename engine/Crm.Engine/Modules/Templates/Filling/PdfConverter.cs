using Crm.Platform.Office;

namespace Crm.Modules.Templates.Filling;

/// <summary>A filled .docx or .xlsx to PDF through the platform's LibreOffice runner (<see cref="OfficeToPdf"/>).</summary>
public static class PdfConverter
{
    public static TimeSpan DefaultTimeout => OfficeToPdf.DefaultTimeout;

    public static bool IsAvailable => OfficeToPdf.IsAvailable;

    public static Task<byte[]> ConvertAsync(byte[] document, TemplateKind kind, CancellationToken cancellationToken = default) =>
        ConvertAsync(document, kind, DefaultTimeout, cancellationToken);

    /// <summary>The PDF's bytes; <see cref="PdfConversionException"/> when LibreOffice is missing, fails or times out.</summary>
    public static async Task<byte[]> ConvertAsync(byte[] document, TemplateKind kind, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await OfficeToPdf.ConvertAsync(document, kind == TemplateKind.Xlsx ? ".xlsx" : ".docx", timeout, cancellationToken);
        }
        catch (OfficeConversionException ex)
        {
            throw new PdfConversionException(ex.Message, ex);
        }
    }
}
