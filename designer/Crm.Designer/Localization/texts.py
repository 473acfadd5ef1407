#!/usr/bin/env python3
"""Source of the UI texts: run to regenerate UiText.resx (en) and UiText.pl.resx (pl).
Keeping both languages side by side here makes a missing translation visible in review."""
from xml.sax.saxutils import escape
import os

T = {
  "AppName": ("Workflow CRM", "Workflow CRM"),
  "Demo": ("demo", "demo"),
  "DemoHint": ("Demo data is loaded. Sign in as {0} with the password {1}.", "Załadowano dane demonstracyjne. Zaloguj się jako {0} hasłem {1}."),
  "SignIn": ("Sign in", "Zaloguj"),
  "SignInTitle": ("Sign in to Workflow CRM", "Logowanie do Workflow CRM"),
  "SignOut": ("Sign out", "Wyloguj"),
  "UserName": ("User name", "Nazwa użytkownika"),
  "Password": ("Password", "Hasło"),
  "SignInFailed": ("The user name or password is not correct.", "Nieprawidłowa nazwa użytkownika lub hasło."),
  "SignInLocked": ("Too many failed attempts. Try again after {0}.", "Zbyt wiele nieudanych prób. Spróbuj ponownie po {0}."),
  "FieldRequired": ("This field is required.", "To pole jest wymagane."),
  "Home": ("Home", "Start"),
  "Welcome": ("Welcome, {0}", "Witaj, {0}"),
  "HomeIntro": ("Your tasks, documents and customers will appear here as the modules are switched on.", "Tu pojawią się Twoje zadania, dokumenty i klienci, gdy moduły zostaną włączone."),
  "YourRoles": ("Your roles", "Twoje role"),
  "YourGroups": ("Your groups", "Twoje grupy"),
  "None": ("none", "brak"),
  "Administration": ("Administration", "Administracja"),
  "UsersAndGroups": ("Users and groups", "Użytkownicy i grupy"),
  "Users": ("Users", "Użytkownicy"),
  "Groups": ("Groups", "Grupy"),
  "DisplayName": ("Display name", "Nazwa wyświetlana"),
  "Email": ("E-mail", "E-mail"),
  "Roles": ("Roles", "Role"),
  "Active": ("Active", "Aktywny"),
  "NewUser": ("New user", "Nowy użytkownik"),
  "NewGroup": ("New group", "Nowa grupa"),
  "GroupKey": ("Key (used in processes)", "Klucz (używany w procesach)"),
  "Members": ("Members", "Członkowie"),
  "AddMember": ("Add member", "Dodaj członka"),
  "Remove": ("Remove", "Usuń"),
  "Create": ("Create", "Utwórz"),
  "Created": ("Created {0}.", "Utworzono {0}."),
  "Saved": ("Saved.", "Zapisano."),
  "SelectGroup": ("Select a group to see and change its members.", "Wybierz grupę, aby zobaczyć i zmienić jej członków."),
  "Language": ("Language", "Język"),
  "NotAllowed": ("You are not allowed to open this page.", "Nie masz uprawnień do tej strony."),
  "NotFound": ("Nothing here. The address may be wrong.", "Nic tu nie ma. Adres może być błędny."),
  "Loading": ("Loading…", "Ładowanie…"),
  "ApiDocs": ("API reference", "Dokumentacja API"),
  "Tasks": ("Tasks", "Zadania"),
  "MyTasks": ("My tasks", "Moje zadania"),
  "GroupTasks": ("Group tasks", "Zadania grup"),
  "Task": ("Task", "Zadanie"),
  "Process": ("Process", "Proces"),
  "Processes": ("Processes", "Procesy"),
  "BusinessKey": ("Business key", "Klucz biznesowy"),
  "Due": ("Due", "Termin"),
  "Priority": ("Priority", "Priorytet"),
  "Overdue": ("overdue", "po terminie"),
  "Claim": ("Claim", "Przejmij"),
  "Unclaim": ("Release", "Zwolnij"),
  "Complete": ("Complete", "Zakończ"),
  "Open": ("Open", "Otwórz"),
  "NoTasks": ("Nothing to do here.", "Brak zadań."),
  "Assignee": ("Assignee", "Wykonawca"),
  "Candidates": ("Offered to", "Dostępne dla"),
  "Details": ("Details", "Szczegóły"),
  "Version": ("Version", "Wersja"),
  "Incidents": ("Incidents", "Incydenty"),
  "IncidentsIntro": ("Steps that failed after all their retries. Fix the cause (data, a service that was down), then retry.", "Kroki, które nie powiodły się po wszystkich ponowieniach. Usuń przyczynę (dane, niedostępna usługa), potem ponów."),
  "NoIncidents": ("No incidents. Every background step is running.", "Brak incydentów. Wszystkie kroki w tle działają."),
  "Retry": ("Retry", "Ponów"),
  "Retried": ("The step will run again now.", "Krok zostanie wykonany ponownie."),
  "Element": ("Element", "Element"),
  "Error": ("Error", "Błąd"),
  "Attempts": ("Attempts", "Próby"),
  "FailedAt": ("Failed at", "Nieudany"),
  "Instance": ("Instance", "Instancja"),
  "DeployedBy": ("Deployed by", "Wdrożył"),
  "Deploy": ("Deploy .bpmn file", "Wdróż plik .bpmn"),
  "Deployed": ("Deployed {0}, version {1}.", "Wdrożono {0}, wersja {1}."),
  "DeployErrors": ("The definition was not deployed. Fix these elements:", "Definicja nie została wdrożona. Popraw te elementy:"),
  "Start": ("Start", "Uruchom"),
  "Started": ("Started an instance of {0}.", "Uruchomiono instancję {0}."),
  "StepFailed": ("A process step failed: {0}", "Krok procesu nie powiódł się: {0}"),
  "Completed": ("Task completed.", "Zadanie zakończone."),
  "Value": ("Value", "Wartość"),
  "Name": ("Name", "Nazwa"),
  "AddField": ("Add variable", "Dodaj zmienną"),
  "Variables": ("Variables", "Zmienne"),
  "TaskNotOpen": ("This task is no longer open.", "To zadanie nie jest już otwarte."),
}

HEAD = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''
here = os.path.dirname(os.path.abspath(__file__))
for idx, suffix in ((0, ""), (1, ".pl")):
    with open(os.path.join(here, f"UiText{suffix}.resx"), "w", encoding="utf-8") as f:
        f.write(HEAD)
        for key in sorted(T):
            f.write(f'  <data name="{key}" xml:space="preserve"><value>{escape(T[key][idx])}</value></data>\n')
        f.write("</root>\n")
