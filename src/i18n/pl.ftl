# bookbridge — Polish catalogue. Keys as in en.ftl.

## Page chrome
skip-to-content = Przejdź do treści
nav-label = Nawigacja główna
nav-home = Strona główna
nav-bookings = Rezerwacje
nav-mismatches = Kolejka niezgodności
nav-connections = Połączenia
nav-users = Użytkownicy
nav-partners = Partnerzy
nav-audit = Ścieżka audytu
logout = Wyloguj się
language-label = Język
language-apply = Zmień

## Login
login-title = Logowanie
login-email = E-mail
login-password = Hasło
login-submit = Zaloguj się
login-failed = Nieprawidłowy e-mail lub hasło.
login-throttled = Zbyt wiele nieudanych prób. Ze względów bezpieczeństwa logowanie zostało wstrzymane na 15 minut; spróbuj ponownie później.

## Home
home-title = Strona główna
home-partner-of = Konto partnera: { $value }.
home-intro-partner = Powiązane rezerwacje z Reservio i Termino obok siebie, z oznaczeniem każdej niezgodności.
home-intro-partner_care = Kolejka oznaczonych niezgodności i eskalacji wszystkich partnerów.
home-intro-sales_rep = Nowe połączenia do potwierdzenia i usługi do zmapowania.
home-intro-admin = Użytkownicy i partnerzy bookbridge.

## Workspaces
bookings-title = Rezerwacje
bookings-coming = Powiązane rezerwacje pojawią się tutaj, gdy tylko zacznie działać pierwsze połączenie.
mismatches-title = Kolejka niezgodności
mismatches-coming = Na razie brak niezgodności do obsłużenia: pojawią się tutaj, gdy tylko synchronizacja jakąś wykryje.
connections-title = Połączenia
connections-coming = Tutaj pojawią się połączenia oczekujące na mapowanie lub weryfikację.

## Roles and states
role-partner = Partner
role-partner_care = Partner Care
role-sales_rep = Przedstawiciel handlowy
role-admin = Administrator
role-unknown = Nieznana rola
status-active = Aktywny
status-disabled = Nieaktywny
action-enable = Aktywuj
action-disable = Dezaktywuj

## Admin: users
users-title = Użytkownicy
users-email = E-mail
users-role = Rola
users-partner = Partner
users-no-partner = — brak (personel) —
users-status = Status
users-actions = Akcje
users-password = Hasło
users-add = Dodaj użytkownika
users-add-submit = Dodaj użytkownika
confirm-disable-user = Dezaktywować { $value }? Użytkownik zostanie natychmiast wylogowany.
flash-user-created = Dodano użytkownika { $value }.
flash-user-disabled = Użytkownik { $value } został dezaktywowany i wylogowany.
flash-user-enabled = Użytkownik { $value } został aktywowany.
flash-cannot-disable-self = Nie można dezaktywować własnego konta.

## Admin: partners
partners-title = Partnerzy
partners-name = Nazwa
partners-timezone = Strefa czasowa
partners-empty = Brak partnerów. Dodaj pierwszego poniżej.
partners-add = Dodaj partnera
partners-add-submit = Dodaj partnera
confirm-disable-partner = Dezaktywować { $value }?
flash-partner-created = Dodano partnera { $value }.
flash-partner-disabled = Partner { $value } został dezaktywowany.
flash-partner-enabled = Partner { $value } został aktywowany.

## Form errors
error-email-invalid = Podaj adres e-mail w formacie nazwa@example.com.
error-email-taken = Użytkownik z tym adresem e-mail już istnieje.
error-role-unknown = Wybierz jedną z ról.
error-password-short = Hasło musi mieć co najmniej 10 znaków.
error-password-long = Hasło może mieć maksymalnie 256 znaków.
error-partner-required = Użytkownik z rolą Partner musi być przypisany do partnera.
error-partner-unknown = Wybierz partnera z listy.
error-partner-staff = Do partnera przypisuje się tylko użytkowników z rolą Partner; w przypadku personelu pozostaw to pole puste.
error-partner-name-empty = Podaj nazwę partnera.
error-partner-name-long = Nazwa może mieć maksymalnie 120 znaków.
error-partner-name-taken = Partner o tej nazwie już istnieje.
error-language-unknown = Ten język jest niedostępny.

## Error pages
error-status = Status
error-back-home = Powrót do strony głównej
error-not-found = Ta strona nie istnieje lub brak uprawnień do jej wyświetlenia.
error-forbidden = Brak uprawnień do wyświetlenia tej strony.
error-unauthenticated = Najpierw zaloguj się.
error-csrf = Formularz wygasł lub nie pochodzi z tej witryny. Odśwież stronę i spróbuj ponownie.
error-too-large = Żądanie jest zbyt duże.
error-form-malformed = Nie udało się odczytać formularza. Odśwież stronę i spróbuj ponownie.
error-query-malformed = Adres zawiera wartość, której nie udało się odczytać.
error-method = Ten adres nie obsługuje tego rodzaju żądania.
error-internal = Przepraszamy, po naszej stronie wystąpił błąd. Został on zarejestrowany; spróbuj ponownie za chwilę.

## Audit
audit-title = Ścieżka audytu
audit-empty = Nie zarejestrowano jeszcze żadnych zdarzeń.
audit-when = Kiedy
audit-actor = Kto
audit-action = Akcja
audit-entity = Obiekt
audit-before = Przed
audit-after = Po
audit-request = Żądanie
audit-hash = Hash
audit-back = Powrót do ścieżki audytu
audit-entry-title = Wpis audytu
audit-chain-intact = { $count ->
    [one] Łańcuch zweryfikowany: { $count } wpis, bez zmian i braków.
    [few] Łańcuch zweryfikowany: { $count } wpisy, bez zmian i braków.
    [many] Łańcuch zweryfikowany: { $count } wpisów, bez zmian i braków.
   *[other] Łańcuch zweryfikowany: { $count } wpisu, bez zmian i braków.
}
audit-chain-broken = Łańcuch jest przerwany na wpisie { $value }

## Paging
pager-label = Strony
pager-previous = Poprzednia
pager-next = Następna
pager-older = Starsze wpisy

## Dates: short month names
month-jan = sty
month-feb = lut
month-mar = mar
month-apr = kwi
month-may = maj
month-jun = cze
month-jul = lip
month-aug = sie
month-sep = wrz
month-oct = paź
month-nov = lis
month-dec = gru
