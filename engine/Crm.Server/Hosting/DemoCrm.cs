using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Server.Hosting;

/// <summary>
/// A living CRM for the run command: 300 Polish companies with valid NIP/REGON/IBAN, contact persons, a quarter of
/// contacts history (some planned ones overdue), and open, won and lost cases across the funnel. Deterministic.
/// </summary>
internal static class DemoCrm
{
    private static readonly string[] Stems = ["Bud", "Tech", "Agro", "Trans", "Med", "Eko", "Inter", "Poli", "Euro", "Nord", "Hydro", "Elektro", "Mebl", "Drew", "Stal", "Farm", "Logi", "Print", "Soft", "Term"];
    private static readonly string[] Endings = ["ex", "pol", "mar", "bud", "tech", "serwis", "system", "trans", "plast", "met"];
    private static readonly string[] Forms = ["sp. z o.o.", "S.A.", "sp.j.", "sp. z o.o. sp.k."];
    private static readonly (string City, string Postal)[] Cities =
        [("Warszawa", "00-001"), ("Kraków", "30-001"), ("Łódź", "90-001"), ("Wrocław", "50-001"), ("Poznań", "60-001"), ("Gdańsk", "80-001"), ("Szczecin", "70-001"),
         ("Bydgoszcz", "85-001"), ("Lublin", "20-001"), ("Białystok", "15-001"), ("Katowice", "40-001"), ("Gdynia", "81-001"), ("Częstochowa", "42-200"), ("Radom", "26-600"), ("Rzeszów", "35-001")];
    private static readonly string[] Streets = ["ul. Długa", "ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Krótka", "ul. Szkolna", "ul. Ogrodowa", "al. Jana Pawła II", "ul. Kościuszki", "ul. Mickiewicza"];
    private static readonly string[] FirstNames = ["Anna", "Piotr", "Katarzyna", "Tomasz", "Małgorzata", "Paweł", "Agnieszka", "Michał", "Ewa", "Krzysztof", "Joanna", "Marcin"];
    private static readonly string[] LastNames = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski"];
    private static readonly string[] Industries = ["budownictwo", "IT", "handel", "produkcja", "transport", "usługi"];

    public static async Task LoadAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<CrmDbContext>();
        if (await db.Counterparties.AnyAsync())
        {
            return;
        }

        var random = new Random(20261123);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var fields = AddDictionariesAndFields(db);
        var groups = new[] { new CounterpartyGroup { Name = "Kluczowi klienci" }, new CounterpartyGroup { Name = "Sieć partnerska" } };
        db.AddRange(groups);
        var created = new List<Counterparty>();
        // The demo price list and framework contract (loaded with the demo documents) go with some of the offers sent.
        var offerDocuments = await db.Documents.Where(d => d.Title == "Cennik usług 2027" || d.Title == "Umowa ramowa ACME").OrderBy(d => d.Title).Select(d => d.Id).ToListAsync();
        for (var i = 0; i < 300; i++)
        {
            var name = $"{Stems[random.Next(Stems.Length)]}{Endings[random.Next(Endings.Length)]} {(i % 7 == 0 ? "Polska " : "")}{Forms[random.Next(Forms.Length)]}";
            var (city, postal) = Cities[random.Next(Cities.Length)];
            var owner = i % 3 == 0 ? "marek" : "anna";
            var company = new Counterparty
            {
                Name = name, SearchName = CounterpartyService.Fold(name), Nip = Nip(random), Regon = Regon(random), Industry = Industries[random.Next(Industries.Length)],
                Priority = i % 10 == 0 ? "A" : "B", Classification = Classifications[i % Classifications.Length], Source = i % 4 == 0 ? "targi" : "polecenie", Categories = i % 5 == 0 ? "supplier" : i % 3 == 0 ? "prospect" : "customer",
                Region = i % 6 == 5 ? "office" : "sales", Owner = owner, PaymentDays = 14 + (random.Next(4) * 7), CreditLimit = 10_000m * random.Next(1, 20), Currency = "PLN",
                CreatedBy = "admin", CreatedAt = now.AddDays(-random.Next(30, 700)),
                Addresses = [new CounterpartyAddress { Kind = AddressKind.Registered, Street = $"{Streets[random.Next(Streets.Length)]} {random.Next(1, 120)}", PostalCode = postal, City = city, ValidFrom = today.AddYears(-3) }],
                BankAccounts = [new BankAccount { Iban = Iban(random) }],
            };
            company.VatEu = "PL" + company.Nip;
            if (i % 25 == 3)
            {
                company.Blocks.Add(new CounterpartyBlock { Kind = BlockKind.Sales, Reason = "Zaległe płatności powyżej 60 dni", From = today.AddDays(-10) });
            }

            db.Counterparties.Add(company);
            created.Add(company);
            AddFieldValues(db, fields, company.Id, i, today);
            if (i % 20 == 0)
            {
                db.Add(new CounterpartyGroupMember { GroupId = groups[0].Id, CounterpartyId = company.Id });
            }

            if (i % 9 == 4 && i > 10)
            {
                // Every ninth company is a branch or subsidiary of the one ten places before it.
                db.Add(new CounterpartyRelation { ParentId = created[i - 10].Id, ChildId = company.Id, Kind = i % 2 == 0 ? RelationKind.Branch : RelationKind.Subsidiary });
            }

            if (i % 33 == 7)
            {
                db.Add(new CounterpartyGroupMember { GroupId = groups[1].Id, CounterpartyId = company.Id });
            }
            Guid? head = null;
            for (var p = 0; p < 1 + (i % 2); p++)
            {
                var first = FirstNames[random.Next(FirstNames.Length)];
                var last = LastNames[random.Next(LastNames.Length)];
                var person = db.Persons.Add(new ContactPerson
                {
                    CounterpartyId = company.Id, FirstName = first, LastName = last, Position = p == 0 ? "Prezes zarządu" : "Kierownik zakupów",
                    Gender = first.EndsWith('a') ? "female" : "male", Roles = p == 0 ? "decydent" : "zakupowiec", SuperiorId = p == 0 ? null : head,
                    Email = $"{CounterpartyService.Fold(first)}.{CounterpartyService.Fold(last)}@example.pl", Phone = $"+48 {random.Next(500, 899)} {random.Next(100, 999)} {random.Next(100, 999)}",
                    MarketingConsent = i % 2 == 0, ConsentSource = i % 2 == 0 ? "formularz www" : null, ConsentAt = i % 2 == 0 ? now.AddDays(-100) : null, CreatedBy = "admin", CreatedAt = now.AddDays(-200),
                }).Entity;
                head ??= person.Id;
                if (p == 0 && i % 5 == 2)
                {
                    db.Notes.Add(new CrmNote { CounterpartyId = company.Id, PersonId = person.Id, Text = PersonNotes[random.Next(PersonNotes.Length)], CreatedBy = owner, CreatedAt = now.AddDays(-random.Next(1, 60)) });
                }
            }

            for (var a = 0; a < 2 + random.Next(3); a++)
            {
                var planned = a == 0 && i % 4 == 0;
                var activity = db.Activities.Add(new Activity
                {
                    Type = (ActivityType)random.Next(0, 6), Direction = random.Next(2) == 0 ? "out" : "in", At = now.AddDays(planned ? random.Next(-5, 10) : -random.Next(1, 90)),
                    DurationMinutes = 5 * random.Next(1, 12), Employee = owner, CounterpartyId = company.Id, Subject = planned ? PlannedSubjects[random.Next(PlannedSubjects.Length)] : DoneSubjects[random.Next(DoneSubjects.Length)],
                    Status = planned ? ActivityStatus.Planned : ActivityStatus.Done,
                }).Entity;
                if (!planned && activity.Subject == "Wysłano ofertę" && offerDocuments.Count > 0)
                {
                    db.Add(new ActivityDocument { ActivityId = activity.Id, DocumentId = offerDocuments[i % offerDocuments.Count], LinkedBy = owner, LinkedAt = activity.At });
                }

                if (!planned && i % 4 == 1 && a == 1)
                {
                    db.Notes.Add(new CrmNote { CounterpartyId = company.Id, ActivityId = activity.Id, Text = ActivityNotes[random.Next(ActivityNotes.Length)], CreatedBy = owner, CreatedAt = activity.At.AddHours(1) });
                }
            }

            if (i % 3 == 0)
            {
                var phases = Crm.Modules.Counterparties.Cases.CasePhases.BuiltIn;
                var phase = phases.Open[random.Next(phases.Open.Count)];
                var outcome = i % 12 == 0 ? CaseOutcome.Won : i % 15 == 0 ? CaseOutcome.Lost : CaseOutcome.Open;
                db.Cases.Add(new CrmCase
                {
                    Title = $"Dostawa dla {name}", CounterpartyId = company.Id, Owner = i % 6 == 0 ? "marek" : "anna", Value = 5_000m * random.Next(1, 40), Currency = "PLN",
                    Phase = outcome switch { CaseOutcome.Won => "won", CaseOutcome.Lost => "lost", _ => phase },
                    ReachedPhase = outcome == CaseOutcome.Won ? phases.Open.Count : phases.IndexOf(phase),
                    Group = outcome == CaseOutcome.Open ? phases.GroupOf(phase) : CaseGroup.Closed,
                    Probability = outcome switch { CaseOutcome.Won => 100, CaseOutcome.Lost => 0, _ => phases.DefaultProbability(phase) },
                    Outcome = outcome, LostReason = outcome == CaseOutcome.Lost ? (i % 2 == 0 ? "cena" : "termin dostawy") : null,
                    CreatedAt = now.AddDays(-random.Next(5, 120)), ClosedAt = outcome == CaseOutcome.Open ? null : now.AddDays(-random.Next(1, 5)),
                });
            }
        }

        await db.SaveChangesAsync();
    }

    private static readonly string[] PlannedSubjects =
        ["Telefon w sprawie oferty", "Przypomnieć o płatności", "Prezentacja nowego katalogu", "Ustalić termin dostawy", "Spotkanie przeglądowe", "Potwierdzić warunki umowy"];

    private static readonly string[] ActivityNotes =
    [
        "Klient prosi o ofertę z dłuższym terminem płatności.", "Decyzja po zebraniu zarządu w przyszłym tygodniu.", "Konkurencja zaproponowała niższą cenę o ok. 5%.",
        "Zainteresowani rozszerzeniem umowy serwisowej.", "Wysłać próbki do działu jakości.",
    ];

    private static readonly string[] PersonNotes =
    [
        "Woli kontakt mailowy, telefonicznie po 14:00.", "Decyduje o zakupach powyżej 50 tys. zł.", "Prosi o faktury w wersji elektronicznej.", "Urlop w sierpniu: zastępuje kierownik zakupów.",
    ];

    private static readonly string[] DoneSubjects = ["Rozmowa o zamówieniu", "Wysłano ofertę", "Reklamacja dostawy omówiona", "Wizyta u klienta", "Negocjacja rabatu"];

    private static readonly string[] Classifications = ["kluczowy", "strategiczny", "standardowy", "standardowy"];

    /// <summary>Dictionaries for the segmentation fields and a few custom fields an admin might define.</summary>
    private static CustomFieldDefinition[] AddDictionariesAndFields(CrmDbContext db)
    {
        var dictionaries = new Dictionary<string, string[]>
        {
            [DictionaryService.Industry] = Industries,
            [DictionaryService.Priority] = ["A", "B", "C"],
            [DictionaryService.Classification] = ["kluczowy", "strategiczny", "standardowy"],
            [DictionaryService.Source] = ["targi", "polecenie", "strona www", "import"],
            [DictionaryService.Category] = ["customer", "supplier", "prospect", "partner", "employee", "salesperson"],
            ["certyfikat"] = ["ISO 9001", "ISO 14001", "ISO 27001"],
        };
        foreach (var (name, values) in dictionaries)
        {
            db.AddRange(values.Select((v, i) => new DictionaryEntry { Dictionary = name, Value = v, Order = i + 1 }));
        }

        CustomFieldDefinition[] fields =
        [
            new() { Entity = "counterparty", Key = "employees", Label = "Liczba pracowników", Type = CustomFieldType.Number, Min = 0, Max = 1_000_000, Order = 1 },
            new() { Entity = "counterparty", Key = "contractEnd", Label = "Koniec umowy ramowej", Type = CustomFieldType.Date, Order = 2 },
            new() { Entity = "counterparty", Key = "newsletter", Label = "Newsletter", Type = CustomFieldType.Bool, Order = 3 },
            new() { Entity = "counterparty", Key = "segment", Label = "Segment", Type = CustomFieldType.Choice, Options = "MŚP\nKorporacja\nSektor publiczny", Order = 4 },
            new() { Entity = "counterparty", Key = "certificates", Label = "Certyfikaty", Type = CustomFieldType.Dictionary, DictionaryKey = "certyfikat", Order = 5 },
            new() { Entity = "counterparty", Key = "rating", Label = "Ocena wiarygodności", Type = CustomFieldType.Text, Pattern = "^[A-D][+-]?$", Sensitive = true, Order = 6 },
        ];
        db.AddRange(fields);
        return fields;
    }

    private static void AddFieldValues(CrmDbContext db, CustomFieldDefinition[] fields, Guid id, int i, DateOnly today)
    {
        db.Add(new CustomFieldValue { FieldId = fields[0].Id, EntityId = id, Number = 5 + (i * 37 % 900) });
        if (i % 4 == 0)
        {
            db.Add(new CustomFieldValue { FieldId = fields[1].Id, EntityId = id, Date = today.AddDays(i % 400 - 60) });
        }

        db.Add(new CustomFieldValue { FieldId = fields[2].Id, EntityId = id, Number = i % 3 == 0 ? 1 : 0 });
        db.Add(new CustomFieldValue { FieldId = fields[3].Id, EntityId = id, Text = (i % 10) switch { 0 => "Korporacja", 7 => "Sektor publiczny", _ => "MŚP" } });
        if (i % 6 == 0)
        {
            db.Add(new CustomFieldValue { FieldId = fields[4].Id, EntityId = id, Text = i % 12 == 0 ? "ISO 9001" : "ISO 14001" });
        }

        db.Add(new CustomFieldValue { FieldId = fields[5].Id, EntityId = id, Text = "ABCD"[i % 4] + (i % 3 == 0 ? "+" : "") });
    }

    private static string Nip(Random random)
    {
        int[] weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
        while (true)
        {
            var digits = Enumerable.Range(0, 9).Select(i => i == 0 ? random.Next(1, 10) : random.Next(10)).ToArray();
            var check = digits.Select((d, i) => d * weights[i]).Sum() % 11;
            if (check != 10)
            {
                return string.Concat(digits) + check;
            }
        }
    }

    private static string Regon(Random random)
    {
        int[] weights = [8, 9, 2, 3, 4, 5, 6, 7];
        var digits = Enumerable.Range(0, 8).Select(_ => random.Next(10)).ToArray();
        return string.Concat(digits) + (digits.Select((d, i) => d * weights[i]).Sum() % 11 % 10);
    }

    private static string Iban(Random random)
    {
        var bban = string.Concat(Enumerable.Range(0, 24).Select(_ => random.Next(10)));
        var remainder = 0;
        foreach (var c in bban + "2521" + "00")   // P=25, L=21, check digits 00
        {
            remainder = ((remainder * 10) + (c - '0')) % 97;
        }

        return $"PL{98 - remainder:D2}{bban}";
    }
}
