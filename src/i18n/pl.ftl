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
users-add = Dodaj użytkownika
users-add-submit = Dodaj użytkownika
confirm-disable-user = Dezaktywować { $value }? Użytkownik zostanie natychmiast wylogowany.
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

## Mismatches: names and what they mean (shared by every page that shows them)
mismatch-missing_in_reservio = Brak w Reservio
mismatch-missing_in_reservio-help = Rezerwacja jest w Termino, ale nie ma jej w Twoim kalendarzu Reservio. Klient ma voucher i przyjdzie. bookbridge sam kopiuje takie rezerwacje do Reservio; jeśli nadal jej brakuje, oferta kanału prawdopodobnie nie jest zmapowana na żadną z Twoich usług. Dodaj rezerwację w Reservio albo poproś swojego przedstawiciela handlowego o zmapowanie oferty.
mismatch-missing_in_termino = Brak w Termino
mismatch-missing_in_termino-help = Rezerwacja jest w Twoim kalendarzu Reservio, ale Termino nie ma dla niej rezerwacji. Każda rezerwacja w Termino należy do vouchera: sprawdź kod vouchera i to, czy usługa jest zmapowana, a w razie wątpliwości skontaktuj się z Partner Care.
mismatch-status_differs = Różny status
mismatch-status_differs-help = W jednym systemie rezerwacja jest anulowana, w drugim nie. Anulowanie nigdy nie przenosi się samo. Anuluj w obu systemach — najpierw voucher: Partner Care anuluje go w Termino, a po potwierdzeniu Ty anulujesz rezerwację w Reservio. Potem sprawdź oba systemy. Nigdy nie usuwaj rezerwacji (zasada 2 FAQ).
mismatch-time_differs = Różny termin
mismatch-time_differs-help = Systemy pokazują różne terminy, a zmiana nie przeszła w ciągu godziny obiecanej przez kanał. Uzgodnij termin z klientem i zmień go tylko w jednym systemie — najlepiej w tym, w którym rezerwację utworzono — a zmiana sama się przeniesie (zasada 3 FAQ).
mismatch-service_differs = Różna usługa
mismatch-service_differs-help = Systemy pokazują różne usługi. Zmiana usługi odbywa się przez kanał: anuluje on pierwotny voucher i wystawia nowy na wybraną usługę; Ty anulujesz (nigdy nie usuwasz) pierwotną rezerwację w Reservio, a nowy voucher dostaje własną rezerwację (zasada 5 FAQ).
mismatch-rejected_without_care = Odrzucona bez Partner Care
mismatch-rejected_without_care-help = Rezerwacja została odrzucona w Reservio, ale Partner Care nie zostało o tym poinformowane. Rezerwacja nadal obowiązuje: klient przyjdzie. Jeśli nie możesz jej zrealizować, natychmiast skontaktuj się z Partner Care (zasada 4 FAQ).
mismatch-unanswered = Czeka na Twoją odpowiedź
mismatch-unanswered-help = Rezerwacja wciąż czeka na Twoje potwierdzenie. Rezerwacja bez odpowiedzi nadal obowiązuje: klient przyjdzie. Potwierdź ją albo natychmiast skontaktuj się z Partner Care, jeśli nie możesz jej zrealizować (zasada 4 FAQ).
mismatch-deleted_remotely = Usunięta w jednym systemie
mismatch-deleted_remotely-help = Rezerwacja zniknęła z jednego z systemów. Rezerwacji nigdy nie wolno usuwać, w żadnym systemie i z żadnego powodu (zasada 2 FAQ). Skontaktuj się z Partner Care, aby klient nie został bez wizyty.
mismatch-customer_differs = Różne dane klienta
mismatch-customer_differs-help = Imię i nazwisko, e-mail lub telefon klienta różnią się między systemami, a zmiana się nie przeniosła. Popraw je w systemie, w którym rezerwację utworzono; bookbridge skopiuje zmianę do drugiego.
mismatch-push_failed = Zmiana nie dotarła
mismatch-push_failed-help = bookbridge nie zdołał dostarczyć zmiany do drugiego systemu mimo kilku prób. Jeśli ten system nie odpowiadał, bookbridge ponawia wysyłkę w spokojnym tempie i od razu, gdy system znów odpowie; jeśli system zmianę odrzucił, nie zostanie ona wysłana ponownie automatycznie. Na stronie rezerwacji widać, który to przypadek i kiedy nastąpi kolejna próba; można tam też wysłać zmianę ponownie od razu.
mismatch-conflict = Zmieniona w obu systemach
mismatch-conflict-help = Oba systemy zostały zmienione inaczej, odkąd ostatnio się zgadzały, więc bookbridge nie zmienił żadnego z nich. Ustal z klientem, która wersja jest właściwa, i zmień rezerwację tylko w jednym systemie (zasada 3 FAQ).
mismatch-unknown = Inna niezgodność
mismatch-unknown-help = Systemy różnią się w sposób, którego ta strona jeszcze nie potrafi opisać. Porównaj obie strony poniżej, a w razie wątpliwości skontaktuj się z Partner Care.
severity-low = Niska
severity-medium = Średnia
severity-high = Wysoka
severity-critical = Krytyczna

## Booking statuses and systems
booking-status-pending = Czeka na potwierdzenie
booking-status-confirmed = Potwierdzona
booking-status-cancelled = Anulowana
booking-status-rejected = Odrzucona
booking-status-unknown = Nieznany status
system-reservio = Reservio
system-termino = Termino

## Partner: bookings list
bookings-intro = Każda powiązana rezerwacja ze stroną Reservio i stroną Termino obok siebie. Pola, które się różnią, są wyróżnione.
bookings-filter-label = Filtruj rezerwacje
bookings-filter-from = Od
bookings-filter-to = Do
bookings-filter-text = Szukaj
bookings-filter-text-help = Kod vouchera, imię i nazwisko, e-mail lub telefon klienta.
bookings-filter-kind = Niezgodność
bookings-filter-kind-any = Dowolna lub żadna
bookings-filter-status = Status w którymkolwiek systemie
bookings-filter-status-any = Dowolny status
bookings-filter-sort = Sortuj według
bookings-filter-only-mismatches = Tylko rezerwacje z niezgodnością
bookings-filter-apply = Pokaż
bookings-filter-reset = Wyczyść filtry
bookings-sort-time = Termin, od najwcześniejszego
bookings-sort-time_desc = Termin, od najpóźniejszego
bookings-sort-changed = Ostatnio zmienione
bookings-sort-severity = Najpoważniejsza niezgodność najpierw
bookings-loading = Wczytywanie…
bookings-live = Lista odświeża się sama, gdy synchronizacja przynosi zmiany.
bookings-csv = Pobierz jako CSV
bookings-summary = { $first }–{ $last } z { $total } rezerwacji
bookings-summary-more = { $first }–{ $last } z ponad { $total } rezerwacji
bookings-page = Strona { $count }
bookings-empty = Brak powiązanych rezerwacji od dziś. Pojawią się tutaj, gdy tylko synchronizacja je powiąże.
bookings-empty-filtered = Żadna rezerwacja nie pasuje do tych filtrów.
bookings-empty-page = Ta strona wykracza poza koniec listy.
bookings-first-page = Przejdź do pierwszej strony
bookings-caption = Powiązane rezerwacje, Reservio i Termino obok siebie
bookings-col-booking = Voucher
bookings-col-time = Termin
bookings-col-service = Usługa
bookings-col-customer = Klient
bookings-col-status = Status
bookings-col-mismatches = Niezgodności
bookings-side-absent = brak w tym systemie
bookings-side-vanished = usunięta
bookings-service-unmapped = { $value } (niezmapowana)
bookings-in-agreement = Zgodna
bookings-pending-short = { $count ->
    [one] zmiana w drodze od { $count } minuty
   *[other] zmiana w drodze od { $count } minut
}

## Partner: one booking
booking-back = ← Wszystkie rezerwacje
booking-heading = Rezerwacja { $value }
booking-linked-at = Powiązana { $value }
booking-origin = utworzona w systemie { $value }
booking-superseded = Ta rezerwacja została zastąpiona po zmianie usługi.
booking-superseded-link = Otwórz rezerwację, która ją zastąpiła
booking-attention = Co wymaga uwagi
booking-all-agree = Oba systemy są zgodne co do tej rezerwacji.
booking-differs-unflagged = Nie oznaczono żadnej niezgodności. Wyróżnione pola różnią się, bo zmiana wciąż jest kopiowana do drugiego systemu; synchronizacja oznaczy ją, jeśli nie dotrze na czas.
booking-flagged-at = Oznaczona { $value }
booking-sides = Oba systemy, pole po polu
booking-field = Pole
booking-base = Ostatnio uzgodnione
booking-no-base = Systemy jeszcze nie uzgodniły tej rezerwacji, więc nie ma uzgodnionego stanu do porównania.
booking-field-time = Data i godzina
booking-field-service = Usługa
booking-field-name = Klient
booking-field-email = E-mail
booking-field-phone = Telefon
booking-field-status = Status
booking-field-external-id = Numer rezerwacji w systemie
booking-field-fetched = Ostatni odczyt
booking-field-vanished = Zniknęła z systemu
booking-procedures = Co możesz zrobić
booking-procedures-note = Każda procedura przed rozpoczęciem pokazuje swoje kroki, a potem wykonuje je po kolei i zapisuje każdy w historii poniżej.
booking-procedure-cancel = Anuluj w obu systemach
booking-procedure-reschedule = Przenieś na inny termin
booking-procedure-change_service = Zmień usługę
booking-procedure-escalate = Poproś Partner Care o pomoc
booking-timeline = Historia
booking-timeline-empty = Dla tej rezerwacji nic jeszcze nie zapisano.
booking-audit-entry = Wpis audytu { $value }
duration-minutes = { $count ->
    [one] { $count } minuty
   *[other] { $count } minut
}
duration-hours = { $count ->
    [one] { $count } godziny
   *[other] { $count } godzin
}
timeline-actor-sync = synchronizacja bookbridge
timeline-actor-system = bookbridge
timeline-booking_seen = Rezerwację odczytano z systemu { $value }
timeline-booking_changed = Rezerwacja zmieniła się w systemie { $value }
timeline-booking_vanished = Rezerwacja zniknęła z systemu { $value }
timeline-link_created = Powiązano, zaczynając od rezerwacji w systemie { $value }
timeline-link_completed = Znaleziono i powiązano odpowiadającą rezerwację w systemie { $value }
timeline-link_agreed = Oba systemy znów są zgodne
timeline-push_enqueued = Zmiana czeka na wysłanie do systemu { $value }
timeline-push_applied = Zmianę wprowadzono w systemie { $value }
timeline-push_retry = Wysłanie zmiany do systemu { $value } nie powiodło się; zostanie ponowione
timeline-push_failed = Wysłanie zmiany do systemu { $value } nie powiodło się mimo szybkich ponowień: zmiana niedostarczona
timeline-mismatch_opened = Oznaczono niezgodność: { $value }
timeline-mismatch_resolved = Rozwiązano niezgodność: { $value }

## Partner: CSV export (column headers)
csv-link = Powiązanie
csv-voucher = Kod vouchera
csv-start = Początek ({ $value })
csv-end = Koniec ({ $value })
csv-service = Usługa
csv-customer = Klient
csv-email = E-mail
csv-phone = Telefon
csv-status = Status
csv-mismatches = Otwarte niezgodności
csv-change-pending-since = Zmiana w drodze od

## Partner: home
home-open-mismatches = Otwarte niezgodności
home-open-none = Nie ma nic do poprawienia: każda powiązana rezerwacja jest zgodna w obu systemach.
home-open-total = { $count ->
    [one] { $count } otwarta niezgodność, według rodzaju:
    [few] { $count } otwarte niezgodności, według rodzaju:
   *[other] { $count } otwartych niezgodności, według rodzaju:
}
home-today = Dziś
home-tomorrow = Jutro
home-day-empty = Brak rezerwacji.
home-day-all = { $count ->
    [one] Zobacz { $count } rezerwację na liście
    [few] Zobacz wszystkie { $count } rezerwacje na liście
   *[other] Zobacz wszystkie { $count } rezerwacji na liście
}
home-chart-title = Niezgodności w ostatnich 30 dniach
home-chart-opened = Otwarte
home-chart-resolved = Rozwiązane
home-chart-desc = Słupki dla każdego dnia: niezgodności otwarte i rozwiązane.
home-chart-opened-on = { $count ->
    [one] { $count } otwarta
    [few] { $count } otwarte
   *[other] { $count } otwartych
}
home-chart-resolved-on = { $count ->
    [one] { $count } rozwiązana
    [few] { $count } rozwiązane
   *[other] { $count } rozwiązanych
}
home-chart-empty = W ostatnich 30 dniach nie otwarto ani nie rozwiązano żadnej niezgodności.
home-chart-table = Pokaż liczby w tabeli
home-chart-day = Dzień

## Navigation and loading (dashboard)
nav-connection = Połączenie
nav-cases = Zgłoszenia
loading = Wczytywanie…

## Partner Care: the mismatch queue
care-cases-link = Zgłoszenia przekazane do Partner Care →
care-health-title = Stan synchronizacji według partnera
care-health-empty = Żaden partner nie ma jeszcze połączenia.
care-partner = Partner
care-health-agreement = Zgodne powiązania
care-health-links = { $count ->
    [one] z { $count } powiązania
   *[other] z { $count } powiązań
}
care-health-open = Otwarte niezgodności
care-health-oldest = Najstarsza otwarta niezgodność
care-health-failed = Nieudane wysyłki
care-filter-kind = Rodzaj
care-filter-all = Wszystkie
care-filter-severity = Waga
care-filter-age = Wiek
care-filter-any-age = Dowolny wiek
care-age-1h = Starsze niż godzina
care-age-1d = Starsze niż dzień
care-age-7d = Starsze niż tydzień
care-filter-assignee = Osoba przypisana
care-filter-anyone = Ktokolwiek
care-filter-me = Ja
care-filter-nobody = Jeszcze nikt
care-filter-state = Stan
care-filter-unresolved = Otwarte i przyjęte
care-filter-apply = Zastosuj filtry
care-state-open = Otwarta
care-state-acknowledged = Przyjęta
care-state-resolved = Rozwiązana
care-queue-count = { $count ->
    [one] { $count } niezgodność do obsłużenia
    [few] { $count } niezgodności do obsłużenia
    [many] { $count } niezgodności do obsłużenia
   *[other] { $count } niezgodności do obsłużenia
}
care-queue-empty-filtered = Żadna niezgodność nie pasuje do tych filtrów.
care-bulk-label = Z zaznaczonymi wierszami:
care-action-acknowledge = Przyjmij
care-action-assign = Przypisz do mnie
care-action-open = Otwórz
care-action-resolve = Rozwiąż
care-select = Wybierz
care-select-one = Wybierz niezgodność { $value }
care-mismatch = Niezgodność
care-booking = Rezerwacja
care-detected = Wykryto
care-assignee = Przypisana do
care-assignee-you = Ty
care-unassigned = Nieprzypisana
care-age-minutes = { $count ->
    [one] { $count } minutę temu
    [few] { $count } minuty temu
    [many] { $count } minut temu
   *[other] { $count } minuty temu
}
care-age-hours = { $count ->
    [one] { $count } godzinę temu
    [few] { $count } godziny temu
    [many] { $count } godzin temu
   *[other] { $count } godziny temu
}
care-age-days = { $count ->
    [one] { $count } dzień temu
   *[other] { $count } dni temu
}
care-done-assigned = Niezgodność { $value } jest teraz przypisana do Ciebie.
care-done-acknowledged = Niezgodność { $value } została przyjęta.
care-done-resolved = Niezgodność { $value } została rozwiązana.
care-refused-resolved = Niezgodność { $value } jest już rozwiązana; niczego nie zmieniono.
care-refused-acknowledged = Niezgodność { $value } jest już przyjęta; niczego nie zmieniono.
care-refused-already-yours = Niezgodność { $value } jest już przypisana do Ciebie.
care-refused-changed = W międzyczasie ktoś inny zmienił niezgodność { $value }; pokazujemy jej obecny stan.
care-bulk-acknowledged = Przyjęto: { $value }.
care-bulk-assigned = Przypisano do Ciebie: { $value }.
care-bulk-skipped = Pominięto, bo w międzyczasie zostały obsłużone lub rozwiązane: { $value }.
care-bulk-none = Najpierw zaznacz co najmniej jedną niezgodność.

## Partner Care: one mismatch
care-back-to-queue = ← Kolejka niezgodności
care-last-seen = Ostatnio widziana
care-acknowledged = Przyjęta
care-resolved = Rozwiązana
care-resolution-note = Notatka o rozwiązaniu
care-resolution-hint = Napisz, co zrobiono, na przykład: voucher anulowany, rezerwacja anulowana w Reservio, klient poinformowany. Partner też to czyta.
care-work-title = Obsłuż
care-sides-title = Rezerwacja w obu systemach
care-sides-missing = Nie znaleziono rezerwacji, której dotyczy ta niezgodność.
care-history-title = Inne niezgodności tej rezerwacji
care-audit-link = Wszystko, co dziennik audytu zapisał o tej niezgodności
care-voucher = Voucher
care-differs = różni się
care-link-has-case = Dla tej rezerwacji jest otwarte zgłoszenie do Partner Care.

## Cases
cases-title = Zgłoszenia
cases-empty = Brak zgłoszeń. Sprawy przekazane przez partnerów pojawią się tutaj, gdy tylko zostaną otwarte.
cases-back = ← Wszystkie zgłoszenia
cases-filter-unresolved = Otwarte i w toku
case-kind = Rodzaj
case-subject = Dotyczy
case-opened = Otwarto
case-reason = Co napisał partner
case-outcome = Rozstrzygnięcie
case-outcome-choose = Wybierz rozstrzygnięcie…
case-kind-connection_problem = Problem z połączeniem
case-kind-cannot_honour = Nie można zrealizować rezerwacji
case-kind-needs_help = Potrzebna pomoc
case-kind-unknown = Inne zgłoszenie
case-state-open = Otwarte
case-state-in_progress = W toku
case-state-resolved = Rozwiązane
case-outcome-booking_kept = Rezerwacja utrzymana: klient przyjdzie
case-outcome-booking_cancelled = Rezerwacja anulowana w obu systemach
case-outcome-booking_moved = Rezerwacja przeniesiona na inny termin
case-outcome-connection_fixed = Konfiguracja połączenia poprawiona
case-outcome-no_action_needed = Nie trzeba było nic robić
case-outcome-unknown = Inne rozstrzygnięcie
case-notes-title = Rozmowa
case-notes-empty = Na razie brak wiadomości.
case-note-label = Twoja wiadomość
case-note-submit = Wyślij wiadomość
case-decide-title = Rozstrzygnij zgłoszenie
case-take = Przejmij to zgłoszenie
case-resolve-note = Ostatnie słowo do partnera (opcjonalnie)
case-resolve = Rozwiąż zgłoszenie
case-done-note = Twoja wiadomość została dodana do rozmowy.
case-done-taken = Przejęto zgłoszenie.
case-done-resolved = Zgłoszenie zostało rozwiązane.
case-refused-resolved = To zgłoszenie jest już rozwiązane; niczego nie zmieniono.
case-refused-taken = Ktoś już przejął to zgłoszenie albo zostało ono rozwiązane.

## Sales: connections
sales-lookup-title = Otwórz połączenie po jego identyfikatorze
sales-lookup-hint = Partner generuje identyfikator połączenia na swojej stronie Połączenie i przesyła go Tobie.
sales-lookup-submit = Otwórz
sales-error-code-unknown = Żadne połączenie nie ma tego identyfikatora. Sprawdź go z partnerem.
error-code-empty = Wpisz identyfikator połączenia.
error-code-invalid = Identyfikator połączenia składa się tylko z liter, cyfr i myślnika, np. K7QM4-XW9PD.
sales-list-problems = Zgłoszono problem
sales-list-setup = W trakcie mapowania
sales-list-waiting = Czekają na weryfikację przez partnera
sales-list-live = Aktywne
sales-last-step = Ostatni krok
sales-problems = Otwarte problemy
sales-back = ← Wszystkie połączenia
sales-problems-title = Problemy zgłoszone przez partnera
sales-account-title = Konto partnera w kanale
sales-account-intro = Konto partnera w Termino, pod którym kanał sprzedaje vouchery tego partnera.
sales-termino-token = Token API do Termino
sales-account-submit = Zapisz konto
sales-sandbox-intro = Demo: utwórz konto w kanale w piaskownicy, które sprzedaje usługi tego partnera i ma już kilka zarezerwowanych voucherów.
sales-sandbox-submit = Użyj konta z piaskownicy
sales-mapping-title = Przypisz usługi do ofert
sales-mapping-intro = Odczytane na żywo z obu systemów. Dla każdej usługi partnera wybierz ofertę kanału, przez którą się ją rezerwuje.
sales-service = Usługa partnera (Reservio)
sales-duration = Czas trwania
sales-minutes = { $count ->
    [one] { $count } minuta
    [few] { $count } minuty
    [many] { $count } minut
   *[other] { $count } minuty
}
sales-offer = Oferta kanału (Termino)
sales-offer-none = — nie sprzedawana w kanale —
sales-mapping-submit = Zapisz przypisanie
sales-saved-mapping = Zapisane przypisanie
sales-no-services = Kalendarz partnera nie oferuje jeszcze żadnych usług.
sales-confirm-intro = Przypisanie jest zapisane. Potwierdź połączenie, aby dać znać partnerowi: rezerwacje zaczną się kopiować, a partner sprawdzi je przed uruchomieniem.
sales-confirm-submit = Potwierdź połączenie
sales-reopen-intro = Jeśli partner zgłosił problem z przypisaniem, cofnij je, aby je zmienić.
sales-reopen-submit = Zmień przypisanie ponownie
sales-done-account = Konto w kanale zostało zapisane.
sales-done-mapped = Przypisanie zostało zapisane.
sales-done-confirmed = Połączenie jest potwierdzone; partner może je teraz zweryfikować.
sales-done-reopened = Przypisanie można znów zmieniać.
sales-error-account-empty = Wpisz identyfikator partnera w Termino i jego token API, bez spacji.
sales-error-account-unreachable = Termino nie przyjęło tego identyfikatora partnera i tokenu.
sales-error-offer-unknown = Ta oferta już nie istnieje; wybierz ponownie.
sales-error-offer-twice = Ta oferta jest już przypisana do innej usługi.
sales-error-map-one = Przypisz co najmniej jedną usługę.
sales-read-failed-reservio = Nie udało się odczytać usług partnera z Reservio. Spróbuj ponownie za chwilę.
sales-read-failed-termino = Nie udało się odczytać ofert kanału z Termino. Spróbuj ponownie za chwilę.
sales-systems-off = Ta instalacja nie jest połączona z Reservio i Termino.
sales-refused-state = To połączenie zmieniło się w międzyczasie; strona pokazuje jego obecny stan.

## Partner: connection
connection-title = Połączenie
connection-intro = Twoje połączenie między Reservio a kanałem: poproś o nie, wyślij jego identyfikator swojemu handlowcowi, a przed uruchomieniem sprawdź, czy rezerwacje kopiują się poprawnie.
connection-code = Identyfikator połączenia
connection-state = Stan
connection-state-requested = Zamówione
connection-state-mapped = Usługi przypisane
connection-state-verifying = W weryfikacji
connection-state-active = Aktywne
connection-state-rejected = Odrzucone
connection-state-suspended = Wstrzymane
connection-state-disconnected = Rozłączone
connection-step-requested = Wygenerowano identyfikator połączenia
connection-step-mapped = Kanał przypisał usługi
connection-step-verifying = Potwierdzone przez handlowca; weryfikacja rozpoczęta
connection-step-active = Zweryfikowane i aktywne
connection-send-code = Wyślij ten identyfikator połączenia swojemu handlowcowi. Kanał przypisze za jego pomocą Twoje usługi.
connection-mapping = Usługi w przypisaniu kanału
connection-cases = Zgłoszone problemy
connection-back = ← Połączenie
connection-request-title = Poproś o połączenie
connection-request-intro = Wpisz identyfikator swojej firmy w Reservio i token API z ustawień Reservio. Otrzymasz identyfikator połączenia do wysłania handlowcowi.
connection-reservio-business = Identyfikator firmy w Reservio
connection-reservio-token = Token API do Reservio
connection-termino-partner = Identyfikator partnera w Termino
connection-request-submit = Wygeneruj identyfikator połączenia
connection-sandbox-intro = Demo: utwórz kalendarz Reservio w piaskownicy z trzema usługami i poproś o połączenie z jego użyciem.
connection-sandbox-submit = Użyj kalendarza z piaskownicy
connection-error-business = Wpisz identyfikator firmy w Reservio, bez spacji.
connection-error-token = Wpisz token API, bez spacji.
connection-error-unreachable = Reservio nie przyjęło tego identyfikatora firmy i tokenu. Sprawdź oba i spróbuj ponownie.
connection-refused-pending = Jedno połączenie jest już konfigurowane; najpierw je dokończ.
connection-refused-state = To połączenie nie jest już weryfikowane; strona pokazuje jego obecny stan.
connection-done-requested = Twój identyfikator połączenia to { $value }. Wyślij go swojemu handlowcowi.
connection-done-live = Połączenie jest aktywne. Rezerwacje kopiują się teraz w obie strony.
connection-done-problem = Partner Care otrzymało Twoje zgłoszenie ({ $value }). Połączenie pozostaje w weryfikacji, dopóki sprawa nie zostanie wyjaśniona.

## Partner: verification report
verify-title = Raport weryfikacji
verify-intro = Porównaj poniższą próbkę: rezerwacje tak, jak pokazują je oba systemy, oraz wolne terminy w Twoim kalendarzu wobec tego, co zarezerwowano w kanale. Uruchom połączenie dopiero, gdy wszystko się zgadza.
verify-open-report = Otwórz raport weryfikacji
verify-go-live = Wszystko się zgadza — uruchom
verify-problem-label = Co się nie zgadza?
verify-report-problem = Zgłoś problem
verify-all-match = Wszystko się zgadza
verify-differences = { $count ->
    [one] { $count } różnica do sprawdzenia
    [few] { $count } różnice do sprawdzenia
    [many] { $count } różnic do sprawdzenia
   *[other] { $count } różnicy do sprawdzenia
}
verify-links-agree = { $count ->
    [one] { $count } rezerwacja się zgadza
    [few] { $count } rezerwacje się zgadzają
    [many] { $count } rezerwacji się zgadza
   *[other] { $count } rezerwacji się zgadza
}
verify-bookings-title = Rezerwacje w obu systemach
verify-bookings-empty = Żadne rezerwacje nie zostały jeszcze skopiowane. Synchronizacja działa co kilka sekund; odśwież stronę za chwilę.
verify-differences-col = Różnice
verify-match = Zgadza się
verify-diff-missing-reservio = Jeszcze nie ma w Reservio
verify-diff-missing-termino = Brak w Termino
verify-diff-time = Inny termin
verify-diff-service = Usługa nieprzypisana do tej oferty
verify-diff-status = Inny status
verify-diff-customer = Inny klient
verify-availability-title = Dostępność w ciągu najbliższych trzech dni
verify-free-in-reservio = Wolne w Reservio
verify-booked-in-termino = Zarezerwowane w kanale
verify-issue-not-mapped = Niesprzedawana w kanale: do tej usługi nie przypisano żadnej oferty.
verify-issue-duration = Oferta i usługa trwają różnie długo: { $value }.
verify-issue-slot-free = Zarezerwowane w kanale na { $value }, a w Reservio nadal wolne.

## Notes and outcomes (form errors)
error-note-empty = Napisz kilka słów; to pole nie może być puste.
error-note-long = Zmieść się w 2000 znaków.
error-outcome-required = Wybierz rozstrzygnięcie.

## Audit: filters and export
audit-action-hint = Całe działanie, np. mismatch.resolved, albo jego pierwsza część, np. mismatch.
audit-from = Od
audit-to = Do
audit-export = Pobierz jako CSV
audit-empty-filtered = Żaden wpis nie pasuje do tych filtrów.
audit-csv-id = Wpis
audit-csv-at = Kiedy (UTC)
audit-csv-entity-id = Identyfikator obiektu
audit-csv-partner = Identyfikator partnera

## Outbox: confirmation e-mails to partners
nav-outbox = Skrzynka nadawcza
outbox-title = Skrzynka nadawcza
outbox-lead = E-maile z potwierdzeniem: każdą zmianę, jaką kanał wprowadza w rezerwacji partnera, potwierdzamy wszystkim użytkownikom tego partnera.
outbox-held-demo = To demo nie wysyła e-maili; wiadomości są zamiast tego pokazywane tutaj.
outbox-held-no-smtp = Wysyłka e-maili nie jest skonfigurowana na tym serwerze, więc wiadomości są przechowywane tutaj zamiast wysyłane.
outbox-empty = Nie ma jeszcze żadnych e-maili. Potwierdzenie pojawi się tutaj, gdy tylko kanał zmieni rezerwację.
outbox-count = { $count ->
    [one] { $count } wiadomość
    [few] { $count } wiadomości
    [many] { $count } wiadomości
   *[other] { $count } wiadomości
}
outbox-created = Utworzono
outbox-recipient = Do
outbox-subject = Temat
outbox-state = Stan
outbox-message = Treść
outbox-show-message = Pokaż wiadomość
email-state-pending = Czeka na wysłanie
email-state-sent = Wysłana
email-state-failed = Niedoręczona
email-state-held = Niewysłana, widoczna tylko tutaj
email-state-unknown = Nieznany stan

## Procedury z przewodnikiem: formularze, postęp, kroki (zasady 2–6 FAQ)
booking-procedure-busy = Dla tej rezerwacji trwa już inna procedura; najpierw ją dokończ albo porzuć.
booking-procedure-active = W toku:
booking-procedures-past = Wcześniejsze procedury
procedure-rule-cancel = Zasada 2: anuluj w obu systemach — najpierw voucher, potem rezerwację w Reservio. Nigdy nie usuwaj rezerwacji.
procedure-rule-reschedule = Zasada 3: uzgodnij nowy termin z klientem i zmień go w jednym systemie — w tym, w którym rezerwacja powstała — a zmiana sama przejdzie do drugiego.
procedure-rule-change_service = Zasada 5: kanał anuluje pierwotny voucher i wystawia nowy na nową usługę; pierwotna rezerwacja zostaje anulowana w Reservio (nigdy usunięta), a nowy voucher dostaje własną rezerwację.
procedure-rule-escalate = Zasada 4: jeśli nie możesz zrealizować rezerwacji, od razu powiadom Partner Care. Dopóki Partner Care tego nie rozstrzygnie, rezerwacja pozostaje ważna i klient przyjdzie.
procedure-for-booking = Rezerwacja { $value }
procedure-back = ← Wróć do rezerwacji
procedure-plan-title = Co się stanie
procedure-plan-lead = Te kroki wykonają się w tej kolejności, jeden po drugim; każdy zostanie zapisany w historii rezerwacji.
procedure-step-skipped = Pominięty: { $value }
procedure-not-connected = Ten serwer nie jest połączony z systemami rezerwacji, więc procedury nie mogą tu działać.
procedure-refused-title = Tej procedury nie można rozpocząć
procedure-active = Dla tej rezerwacji trwa już inna procedura. Najpierw ją dokończ albo porzuć.
procedure-active-link = Otwórz trwającą procedurę
procedure-form-title = Szczegóły
procedure-reason = Powód
procedure-reason-hint-cancel = Dlaczego rezerwacja jest anulowana? Widzą to Partner Care i kanał.
procedure-reason-hint-escalate = Dlaczego nie możesz zrealizować tej rezerwacji?
procedure-proposal = Twoja propozycja (opcjonalnie)
procedure-proposal-hint = Na przykład inny dzień, inna usługa albo zwrot pieniędzy.
procedure-escalate-valid = Dopóki Partner Care tego nie rozstrzygnie, rezerwacja pozostaje ważna, a klient przyjdzie.
procedure-date = Dzień
procedure-service = Nowa usługa
procedure-service-choose = Wybierz usługę
procedure-service-current = Teraz: { $value }
procedure-slots-legend = Wolne terminy w dniu { $value }
procedure-slots-zone = Godziny w strefie czasowej { $value }.
procedure-slots-empty = Tego dnia nie ma wolnych terminów. Wybierz inny dzień.
procedure-slots-choose-date = Wybierz dzień, aby zobaczyć wolne terminy.
procedure-slots-choose-service = Wybierz usługę, aby zobaczyć wolne terminy.
procedure-slots-loading = Wczytywanie wolnych terminów…
procedure-slots-error = System rezerwacji nie odpowiedział, więc nie można pokazać wolnych terminów. Spróbuj ponownie za chwilę.
procedure-slot-bad-date = To nie jest poprawny dzień. Wybierz go z kalendarza.
procedure-self-rescheduled = Klient wykorzystał już swoją jedyną samodzielną zmianę terminu na koncie w kanale.
procedure-self-reschedule-free = Klient nie wykorzystał jeszcze swojej jedynej samodzielnej zmiany terminu: może też sam przenieść rezerwację na swoim koncie w kanale.
procedure-applied-in = Nowy termin zostanie wprowadzony w systemie { $value }, w którym rezerwacja powstała; synchronizacja przeniesie go do drugiego systemu.
procedure-submit-cancel = Rozpocznij anulowanie
procedure-submit-reschedule = Przenieś rezerwację
procedure-submit-change_service = Zmień usługę
procedure-submit-escalate = Wyślij do Partner Care
procedure-for-case = Po zakończeniu ta procedura zamknie zgłoszenie Partner Care nr { $value }.
procedure-error-reason-missing = Wpisz powód.
procedure-error-slot-missing = Wybierz jeden z wolnych terminów.
procedure-error-slot-malformed = Nie udało się odczytać wybranego terminu. Wybierz ponownie jeden z wolnych terminów.
procedure-error-service-missing = Wybierz nową usługę.
procedure-error-unmapped = Ta usługa nie jest przypisana do żadnej oferty kanału. Poproś swojego opiekuna handlowego o jej przypisanie.
procedure-error-system = System rezerwacji nie odpowiedział. Niczego nie rozpoczęto; spróbuj ponownie za chwilę.
procedure-error-no_connection = Połączenie tej rezerwacji nie jest skonfigurowane, więc procedura nie może działać.
procedure-error-case-open = Dla tej rezerwacji jest już otwarte zgłoszenie do Partner Care.
procedure-error-case-open-link = Otwórz zgłoszenie
procedure-started = Procedura rozpoczęta. Jej kroki pojawiają się poniżej w miarę wykonywania.
procedure-refused-already_cancelled = Oba systemy już pokazują tę rezerwację jako anulowaną; nie ma już czego anulować.
procedure-refused-cancelled = Anulowanej rezerwacji nie można przenieść ani zmienić.
procedure-refused-superseded = Tę rezerwację zastąpiła nowa po zmianie usługi; działaj na nowej rezerwacji.
procedure-refused-no_voucher = Ta rezerwacja nie ma vouchera w Termino, więc kanał nie może jej zmienić. Poproś o pomoc Partner Care.
procedure-refused-not_in_reservio = Tej rezerwacji nie ma (jeszcze) w Reservio, więc nie ma tam czego przenosić.
slot-problem-past = Wybrany termin już minął. Wybierz późniejszy.
slot-problem-invalid = Wybrany termin nie jest poprawny. Wybierz jeden z wolnych terminów.
slot-problem-taken = W międzyczasie wybrany termin zajęła inna rezerwacja. Wybierz inny.
slot-problem-not_offered = Wybrany termin wypada poza godzinami otwarcia albo nie jest oferowany dla tej usługi. Wybierz jeden z wolnych terminów.
step-cancel_voucher = Anuluj voucher w Termino
step-confirm_voucher_cancelled = Poczekaj, aż Termino potwierdzi anulowanie
step-cancel_reservio = Anuluj rezerwację w Reservio (nigdy jej nie usuwaj)
step-verify_cancelled = Sprawdź, czy oba systemy pokazują ją jako anulowaną
step-check_slot = Sprawdź, czy nowy termin jest wolny w Reservio
step-apply_time = Zmień termin w systemie, w którym rezerwacja powstała
step-await_propagation = Poczekaj, aż drugi system pokaże nowy termin
step-verify_time = Sprawdź, czy oba systemy pokazują nowy termin
step-reissue_voucher = Anuluj voucher i wystaw nowy na nową usługę
step-cancel_old_reservio = Anuluj pierwotną rezerwację w Reservio (nigdy jej nie usuwaj)
step-create_new_booking = Zarezerwuj termin dla nowego vouchera
step-await_new_booking = Poczekaj, aż nowa rezerwacja pojawi się w obu systemach
step-verify_new_booking = Sprawdź nową rezerwację w obu systemach
step-open_case = Otwórz zgłoszenie do Partner Care
step-skip-no_termino = rezerwacji nie ma w Termino
step-skip-voucher_cancelled = voucher jest już anulowany
step-skip-no_reservio = rezerwacji nie ma w Reservio
step-skip-reservio_cancelled = Reservio już pokazuje ją jako anulowaną
step-skip-unknown = niepotrzebny dla tej rezerwacji
step-state-pending = Do zrobienia
step-state-running = W toku
step-state-waiting = Czeka
step-state-done = Gotowe
step-state-skipped = Pominięty
step-state-failed = Nieudany
step-state-not-done = Niewykonany
procedure-kind-unknown = Procedura
procedure-step-unknown = Krok nieznany tej wersji
procedure-state-pending = Czeka na start
procedure-state-running = W toku
procedure-state-waiting = Czeka na system
procedure-state-failed = Zatrzymana
procedure-state-completed = Zakończona
procedure-state-abandoned = Porzucona
procedure-started-at = Rozpoczęta
procedure-started-by = Rozpoczął(a)
procedure-finished-at = Zakończona
procedure-case = Zgłoszenie do Partner Care
procedure-params-reason = Powód
procedure-params-new-time = Nowy termin
procedure-params-new-service = Nowa usługa
procedure-params-proposal = Propozycja
procedure-steps = Kroki
procedure-live = Ta strona odświeża się sama, dopóki procedura trwa.
procedure-waiting = Czekamy na drugi system.
procedure-waiting-confirm_voucher_cancelled = Czekamy, aż Termino potwierdzi anulowanie vouchera.
procedure-waiting-await_propagation = Czekamy, aż nowy termin dotrze do drugiego systemu.
procedure-waiting-await_new_booking = Czekamy, aż nowa rezerwacja pojawi się w obu systemach.
procedure-retrying = System nie odpowiedział; ten krok zostanie wkrótce ponowiony.
procedure-step-failed = Ten krok się nie powiódł:
procedure-error = Procedura zatrzymała się:
procedure-failed-help = Gdy przyczyna zostanie usunięta, ponów od nieudanego kroku — albo porzuć procedurę.
procedure-retry = Ponów od tego kroku
procedure-abandon = Porzuć procedurę…
procedure-completed = Gotowe: procedura została zakończona.
procedure-check-cancel = Sprawdzono oba systemy: Reservio i Termino pokazują rezerwację jako anulowaną.
procedure-check-reschedule = Sprawdzono oba systemy: Reservio i Termino pokazują nowy termin, potwierdzoną rezerwację i tę samą usługę.
procedure-check-change_service = Sprawdzono oba systemy: Reservio pokazuje pierwotną rezerwację jako anulowaną, a nowa rezerwacja na nową usługę jest w Reservio i w Termino.
procedure-check-escalate = Partner Care otrzymał Twoją prośbę i się z Tobą skontaktuje. Do tego czasu rezerwacja pozostaje ważna: klient przyjdzie.
procedure-opened-case = Zgłoszenie do Partner Care nr { $value }
procedure-abandoned = Procedurę porzucono. Niczego, co już zrobiono, nie cofnięto.
procedure-retried = Procedura jest kontynuowana od nieudanego kroku.
procedure-refused-retry = Ponowić można tylko zatrzymaną procedurę, a ta nie jest zatrzymana.
procedure-refused-abandon = Tej procedury nie można teraz porzucić: została zakończona albo właśnie wykonuje się jej krok. Spróbuj ponownie za chwilę.
procedure-abandon-title = Porzucić tę procedurę?
procedure-abandon-lead = Porzucenie zatrzymuje procedurę w miejscu, w którym jest. Niczego, co już zrobiono, nie da się w ten sposób cofnąć: wykonane kroki pozostają wykonane w obu systemach.
procedure-abandon-done = Już wykonane:
procedure-abandon-none-done = Nie wykonano jeszcze żadnego kroku.
procedure-abandon-understood = Rozumiem, że nic z tego, co już zrobiono, nie zostanie cofnięte.
procedure-abandon-required = Zaznacz pole, aby potwierdzić.
procedure-abandon-confirm = Porzuć procedurę
procedure-abandon-keep = ← Zostaw ją i wróć
procedure-abandoned-flash = Procedurę porzucono.
mismatch-procedure_failed = Procedura zatrzymana
mismatch-procedure_failed-help = Procedura z przewodnikiem zatrzymała się na jednym z kroków, więc rezerwacja może być zmieniona tylko częściowo. Otwórz procedurę i ponów krok albo ją porzuć.
care-open-booking = Otwórz rezerwację
care-open-procedure = Otwórz zatrzymaną procedurę
case-act-title = Rozwiąż, działając na rezerwacji
case-act-lead = Anuluj albo przenieś rezerwację za pomocą procedury z przewodnikiem; zgłoszenie zostanie zamknięte, gdy procedura się zakończy.
case-act-cancel = Anuluj rezerwację
case-act-reschedule = Przenieś rezerwację
timeline-link_superseded = Zastąpiona nową rezerwacją na inną usługę
timeline-procedure_started = Rozpoczęto procedurę: { $value }
timeline-procedure_completed = Zakończono procedurę: { $value }
timeline-procedure_step_done = Wykonano krok: { $value }
timeline-procedure_step_skipped = Pominięto krok: { $value }
timeline-procedure_step_waiting = Oczekiwanie na kroku: { $value }
timeline-procedure_step_retry = System nie odpowiedział na kroku: { $value }; zostanie ponowiony
timeline-procedure_failed = Procedura zatrzymała się na kroku: { $value }
timeline-procedure_retried = Zatrzymaną procedurę wznowiono
timeline-procedure_abandoned = Procedurę porzucono
timeline-case_opened = Otwarto zgłoszenie do Partner Care
timeline-case_resolved = Zgłoszenie do Partner Care zostało rozwiązane

# integrity
procedure-connection-ended = Połączenie tej rezerwacji nie jest już synchronizowane (zostało rozłączone lub wstrzymane), więc procedury nie można kontynuować ani ponowić. Porzuć ją; nic, co już zrobiono, nie zostanie cofnięte.
procedure-refused-connection_ended = Połączenie tej rezerwacji nie jest już synchronizowane (zostało rozłączone lub wstrzymane), więc nie można tu rozpocząć dla niej żadnej procedury.
timeline-push_found_existing = Rezerwacja była już w systemie { $value }; została powiązana zamiast utworzona po raz drugi
timeline-link_merged = Połączono z powiązaniem, które już miało drugą stronę tej rezerwacji

## E-maile potwierdzające po procedurze (zasada 6 FAQ)
mail-subject-cancel = Rezerwacja anulowana: voucher { $voucher }, { $customer }
mail-body-cancel =
    { $steps }
    Następnie bookbridge odczytał oba systemy: w obu rezerwacja jest anulowana (rezerwacja bookbridge nr { $booking }). Nie trzeba już niczego sprawdzać.
mail-subject-reschedule = Rezerwacja przeniesiona: voucher { $voucher }, { $customer }
mail-body-reschedule =
    Rezerwację klienta { $customer } z voucherem { $voucher } przeniesiono na nowy termin i oba systemy już go pokazują (rezerwacja bookbridge nr { $booking }).
    Ten e-mail potwierdza to, co kanał zrobił w Termino. Sprawdź, czy Reservio pokazuje to samo.
mail-subject-change_service = Zmiana usługi: voucher { $voucher }, { $customer }
mail-body-change_service =
    Kanał anulował voucher { $voucher } klienta { $customer } i wystawił nowy voucher na nową usługę; pierwotną rezerwację anulowano w Reservio, a dla nowego vouchera zarezerwowano termin (rezerwacja bookbridge nr { $booking }).
    Ten e-mail potwierdza to, co kanał zrobił w Termino. Sprawdź, czy Reservio pokazuje to samo.
mail-subject-escalate = Przekazano do Partner Care: voucher { $voucher }, { $customer }
mail-body-escalate =
    Partner Care otrzymał Twoją prośbę dotyczącą rezerwacji klienta { $customer } z voucherem { $voucher } (rezerwacja bookbridge nr { $booking }). Dopóki Partner Care tego nie rozstrzygnie, rezerwacja pozostaje ważna i klient przyjdzie.
    Ten e-mail potwierdza to, co kanał zrobił w Termino. Sprawdź, czy Reservio pokazuje to samo.

# edge
error-request-timeout = Żądanie docierało zbyt długo. Spróbuj ponownie.
# listing
listing-health-title = Stan połączeń
listing-alarm = { $system } nagle pokazuje o { $count } { $count ->
    [one] rezerwację
    [few] rezerwacje
   *[other] rezerwacji
} mniej — sprawdź połączenie.
listing-alarm-confirm = Rezerwacje naprawdę zniknęły
listing-alarm-confirmed = Alarm potwierdzony: następne sprawdzenie oznaczy brakujące rezerwacje jako usunięte.
listing-alarm-confirmed-note = Potwierdzono: następne sprawdzenie oznaczy je jako usunięte.
listing-alarm-refused = Ten alarm nie jest już otwarty; nic nie zmieniono.
listing-unreadable = { $system }: nie udało się odczytać { $count } rezerwacji (od { $since }): { $cause }
timeline-push_unverified = Zmianę wysłano do systemu { $value }, ale nie udało się jej odczytać; zostanie sprawdzona przy następnym czytelnym odczycie
# in-flight
# Zmiana w drodze, spóźniona lub niedostarczona: jeden stan i jeden komunikat na rezerwację;
# kto przeniósł rezerwację; potwierdzenie anulowania według kroków, które faktycznie wykonano.
booking-inflight-crossing-title = Zmiana terminu jest w drodze
booking-inflight-overdue-title = Zmiana terminu się spóźnia
booking-inflight-undelivered-title = Zmiana niedostarczona
booking-inflight-towards-reservio = systemu Reservio
booking-inflight-towards-termino = systemu Termino
booking-inflight-towards-other = drugiego systemu
booking-inflight-crossing = Nowy termin przechodzi do { $system } od { $since } ({ $elapsed }). Kanał obiecuje, że potrwa to około { $promise }.
booking-inflight-overdue = Nowy termin przechodzi do { $system } od { $since } ({ $elapsed }) — dłużej, niż obiecuje kanał ({ $promise }). Sprawdź oba systemy; rezerwacja jest oznaczona jako niezgodność terminu.
booking-inflight-undelivered-retrying = System { $system } nie odpowiedział, więc zmiana nie została tam wprowadzona. bookbridge sam wyśle ją ponownie { $next } oraz od razu, gdy { $system } znów zacznie odpowiadać. Możesz też wysłać ją ponownie teraz.
booking-inflight-undelivered-refused = System { $system } odrzucił zmianę, więc nie została tam wprowadzona, a bookbridge nie wyśle jej ponownie sam. Sprawdź rezerwację w obu systemach; gdy przyczyna zostanie usunięta, wyślij ją ponownie — albo poproś o pomoc Partner Care.
booking-inflight-undelivered-sending = Zmiana jest właśnie ponownie wysyłana do systemu { $system }; wynik pojawi się na tej stronie przy następnym odświeżeniu.
booking-send-again = Wyślij ponownie teraz
booking-send-again-queued = Zmiana zostanie ponownie wysłana do drugiego systemu w ciągu kilku sekund.
booking-send-again-nothing = Nie ma niedostarczonej zmiany do ponownego wysłania.
bookings-overdue-short = { $count ->
    [one] spóźniona: w drodze od { $count } minuty
   *[other] spóźniona: w drodze od { $count } minut
}
bookings-crossing = Zmiana w drodze
bookings-overdue = Zmiana spóźniona
timeline-push_requeued = Niedostarczoną zmianę wysłano ponownie do systemu { $value }
timeline-booking_moved_by_customer = Klient przeniósł rezerwację ze swojego konta Slevomat: { $from } → { $to }
timeline-booking_moved = Przeniesiono w systemie { $system }: { $from } → { $to }
audit-what = Co się stało
mail-cancel-voucher-done = Kanał anulował w Termino voucher { $voucher } klienta { $customer }.
mail-cancel-voucher-already = Voucher { $voucher } klienta { $customer } był już anulowany w Termino; niczego tam nie zmieniano.
mail-cancel-voucher-none = Rezerwacja klienta { $customer } nie ma rezerwacji w Termino.
mail-cancel-reservio-done = bookbridge anulował rezerwację w Reservio (nie została usunięta).
mail-cancel-reservio-already = Rezerwacja w Reservio była już anulowana; niczego tam nie zmieniano.
mail-cancel-reservio-none = W Reservio nie ma dla niej rezerwacji.
# audit-key
audit-key-id = Klucz podpisu
audit-entry-after-break = Ten wpis następuje po przerwaniu łańcucha audytu (na wpisie { $value }): łańcuch nie może za niego poręczyć.
audit-problems-more = { $count ->
    [one] i jeszcze { $count } problem (polecenie `bookbridge audit verify` wymienia wszystkie)
    [few] i jeszcze { $count } problemy (polecenie `bookbridge audit verify` wymienia wszystkie)
    [many] i jeszcze { $count } problemów (polecenie `bookbridge audit verify` wymienia wszystkie)
   *[other] i jeszcze { $count } problemu (polecenie `bookbridge audit verify` wymienia wszystkie)
}
audit-problem-missing-one = Brakuje wpisu { $value }.
audit-problem-missing = Brakuje wpisów { $value }.
audit-problem-unlinked = Wpis { $value } nie łączy się z poprzednim wpisem.
audit-problem-altered = Wpis { $value } został zmieniony: jego treść nie zgadza się z podpisem.
audit-problem-unknown-key = Wpis { $value } jest podpisany kluczem, którego nie ma w pliku kluczy.
audit-problem-legacy = Wpis { $value } nie jest podpisany, choć łańcuch był już kluczowany.
audit-problem-checkpoint = Wpis { $value } nie jest wpisem zapisanym w podpisanym punkcie kontrolnym.
audit-problem-head = Głowa łańcucha nie wskazuje na jego ostatni wpis ({ $value }).
audit-problem-bad-checkpoint = Wiersz { $value } pliku punktów kontrolnych nie przechodzi weryfikacji.
# accounts
error-password-common = To hasło jest jednym z najczęściej wyciekających haseł. Wybierz inne — dobrze sprawdza się kilka niezwiązanych ze sobą słów.
error-password-email = Hasło nie może zawierać Twojego adresu e-mail.
error-password-product = Hasło nie może zawierać nazwy produktu.
password-rules = Co najmniej 10 znaków. Nie może to być popularne hasło ani zawierać Twojego adresu e-mail czy nazwy produktu. Dobrze sprawdza się kilka niezwiązanych ze sobą słów.
error-current-password = To nie jest Twoje obecne hasło.
error-current-password-throttled = Zbyt wiele błędnych haseł. Spróbuj ponownie za 15 minut.
error-password-mismatch = Podane hasła się różnią.
error-timezone-unknown = Nieznana strefa czasowa. Wpisz nazwę, np. Europe/Warsaw, albo zostaw pole puste.
login-forgot = Nie pamiętasz hasła?
second-factor-title = Drugi krok: kod
second-factor-code = Kod z aplikacji uwierzytelniającej
second-factor-code-help = Sześć cyfr; nowy kod co 30 sekund.
second-factor-use-recovery = Nie masz telefonu? Użyj kodu odzyskiwania
second-factor-recovery-code = Kod odzyskiwania
second-factor-submit = Dalej
second-factor-wrong = Kod jest nieprawidłowy. Sprawdź zegar w aplikacji uwierzytelniającej i wpisz najnowszy kod.
second-factor-throttled = Zbyt wiele błędnych kodów. Dla bezpieczeństwa drugi krok jest wstrzymany na 15 minut; spróbuj później.
enrol-title = Skonfiguruj aplikację uwierzytelniającą
enrol-required = Twoja rola wymaga drugiego składnika: aby kontynuować, skonfiguruj aplikację uwierzytelniającą.
enrol-lead = Zeskanuj kod QR aplikacją uwierzytelniającą (dowolną obsługującą TOTP), a następnie wpisz wyświetlony w niej kod.
enrol-qr-label = Kod QR dla aplikacji uwierzytelniającej
enrol-secret = Nie możesz zeskanować? Wpisz zamiast tego ten klucz:
enrol-submit = Włącz
recovery-codes-title = Twoje kody odzyskiwania
recovery-codes-lead = Każdy kod pozwala zalogować się jeden raz, jeśli zgubisz telefon. Zapisz je teraz w bezpiecznym miejscu: są pokazywane tylko ten jeden raz.
recovery-codes-continue = Kody zapisane — dalej
account-title = Twoje konto
account-password = Hasło
account-current-password = Obecne hasło
account-new-password = Nowe hasło
account-confirm-password = Powtórz nowe hasło
account-password-submit = Zmień hasło
account-password-note = Zmiana hasła wyloguje Cię na wszystkich innych urządzeniach.
account-password-changed = Hasło zostało zmienione, a pozostałe sesje wylogowane.
account-preferences = Język i strefa czasowa
account-timezone = Strefa czasowa
account-timezone-help = Zostaw puste, aby używać strefy czasowej partnera (pracownicy: Europe/Prague).
account-preferences-submit = Zapisz
account-preferences-saved = Ustawienia zostały zapisane.
account-second-factor = Drugi składnik
account-second-factor-on = Włączony
account-recovery-codes-left = { $count ->
    [one] Pozostał jeden kod odzyskiwania.
    [few] Pozostały { $count } kody odzyskiwania.
   *[other] Pozostało { $count } kodów odzyskiwania.
}
account-second-factor-offer = Chroń konto nie tylko hasłem, ale też kodem z aplikacji uwierzytelniającej.
account-second-factor-enrol = Skonfiguruj aplikację uwierzytelniającą
account-sessions = Aktywne sesje
account-session-device = Urządzenie
account-session-address = Adres
account-session-last-seen = Ostatnio aktywna
account-session-this = Ta sesja
account-session-end = Wyloguj
account-session-ended = Ta sesja została wylogowana.
account-sessions-end-others = Wyloguj wszędzie indziej
account-sessions-ended = Pozostałe sesje zostały wylogowane.
set-password-for = Wybierz hasło dla { $value }.
set-password-submit = Zapisz hasło
invitation-title = Witamy w bookbridge
invitation-accepted = Hasło zostało ustawione. Możesz się teraz zalogować.
reset-title = Wybierz nowe hasło
reset-done = Hasło zostało zmienione, a wszystkie sesje wylogowane. Zaloguj się nowym hasłem.
link-invalid-title = Ten link jest już nieważny
link-invalid-text = Link został już użyty, wygasł albo zastąpiono go nowszym. Poproś o nowy.
forgot-title = Nie pamiętam hasła
forgot-lead = Wpisz swój adres e-mail, a wyślemy Ci link do ustawienia nowego hasła.
forgot-submit = Wyślij link
forgot-sent = Jeśli ten adres należy do konta, link do ustawienia nowego hasła jest już w drodze. Działa jeden raz, przez 30 minut.
forgot-back = Wróć do logowania
forgot-throttled = Zbyt wiele próśb. Spróbuj ponownie za 15 minut.
mail-subject-invitation = Zaproszenie do bookbridge
mail-body-invitation =
    Utworzono dla Ciebie konto w bookbridge dla adresu { $email }.
    Ustaw hasło tutaj (link działa jeden raz, przez 72 godziny):
    { $link }
    Jeśli ta wiadomość nie była oczekiwana, możesz ją zignorować.
mail-subject-reset = Ustaw nowe hasło do bookbridge
mail-body-reset =
    Ktoś poprosił o zresetowanie hasła do bookbridge dla adresu { $email }.
    Ustaw nowe hasło tutaj (link działa jeden raz, przez 30 minut):
    { $link }
    Jeśli to nie Ty, zignoruj tę wiadomość: Twoje hasło pozostaje bez zmian.
users-invite-note = Nowy użytkownik otrzyma zaproszenie e-mailem i sam wybierze hasło oraz język.
status-invited = Zaproszony
users-invitation-expires = link ważny do { $value }
users-second-factor = Drugi składnik
action-resend-invitation = Wyślij zaproszenie ponownie
action-revoke-invitation = Wycofaj zaproszenie
action-reset-second-factor = Zresetuj drugi składnik
confirm-reset-second-factor = Zresetować drugi składnik użytkownika { $value }? Zostanie wylogowany i będzie musiał skonfigurować go ponownie.
flash-user-invited = Wysłano zaproszenie do { $value }.
flash-invitation-resent = Wysłano nowe zaproszenie do { $value }.
flash-invitation-revoked = Zaproszenie dla { $value } zostało wycofane.
flash-second-factor-reset = Drugi składnik użytkownika { $value } został zresetowany.
action-send-reset = Wyślij link do resetu hasła
flash-reset-sent = Wysłano do { $value } link do ustawienia nowego hasła.

# daily
bookings-waiting-other-system = Czeka na drugi system
booking-waiting-other-system = Tę rezerwację widać na razie tylko w jednym systemie: czekamy na drugi.
booking-back-to-booking = ← Rezerwacja
case-booking = Rezerwacja
case-proposal = Propozycja partnera
booking-cases = Zgłoszenia do Partner Care dotyczące tej rezerwacji
care-still-differs = Oba systemy nadal się różnią tak, jak zgłoszono. Notatka tego nie zmieni: przy następnej synchronizacji to samo zostanie zgłoszone ponownie.
care-still-differs-fix = Wyróżniona procedura to naprawi; a jeśli ta różnica jest zamierzona, zaakceptuj ją poniżej, podając powód.
care-accept-reason = Dlaczego ta różnica jest akceptowana
care-accept-hint = Nie będzie zgłaszana, dopóki któryś z systemów znowu nie zmieni tej rezerwacji.
care-action-accept = Zaakceptuj tę różnicę
care-done-accepted = Różnica z niezgodności { $value } została zaakceptowana; zostanie zgłoszona ponownie tylko wtedy, gdy zmieni się któraś ze stron.
care-refused-still-differs = Niezgodności { $value } nie można rozwiązać samą notatką: oba systemy nadal się różnią. Użyj procedury albo zaakceptuj różnicę, podając powód.
procedure-refused-nothing_to_honour = Oba systemy pokazują tę rezerwację jako anulowaną: klient nie przyjdzie, więc nie ma czego realizować ani o co prosić Partner Care.
audit-entity-booking_link = Powiązana rezerwacja
audit-entity-external_booking = Rezerwacja w systemie
audit-entity-mismatch = Niezgodność
audit-entity-procedure = Procedura
audit-entity-case = Zgłoszenie do Partner Care
audit-entity-user = Użytkownik
audit-entity-connection = Połączenie
audit-entity-push = Zmiana wysłana do systemu
audit-entity-partner = Partner
audit-entity-login = Logowanie
audit-entity-logout = Wylogowanie
audit-entity-email = E-mail
sales-length-differs = Różny czas trwania ({ $value }): kanał sprzedawałby wizytę o innej długości, niż rezerwuje kalendarz.
home-no-connection = Nie masz jeszcze aktywnego połączenia, więc nie ma rezerwacji do porównania. Najpierw je skonfiguruj: złóż wniosek, wyślij jego ID swojemu opiekunowi handlowemu, a potem je zweryfikuj.
home-set-up-connection = Skonfiguruj połączenie
connection-request-another = Połącz kolejny kalendarz Reservio
logout-done = Wylogowano.
home-care-open = niezgodności do obsłużenia
home-care-unassigned = jeszcze nikt ich nie przejął
home-care-cases = otwartych zgłoszeń do Partner Care
home-care-cases-waiting = Oczekujące zgłoszenia, najdłużej czekające najpierw
home-sales-requested = Nowe wnioski o połączenie
home-sales-verifying = Oczekujące weryfikacje
home-sales-problems = problemy zgłoszone przez partnerów
home-sales-none = Obecnie brak.
partners-language = Język
partners-language-reader = Własny każdego czytelnika
partners-settings-save = Zapisz
flash-partner-settings = Zapisano strefę czasową i język partnera { $value }.

# reservio
reservio-profile-title = Co bookbridge znalazł na Twoim koncie Reservio
reservio-profile-token-ok = Reservio akceptuje token dostępu.
reservio-profile-token-refused = Reservio odrzuca token dostępu: poproś Reservio o nowy.
reservio-profile-timezone = Strefa czasowa Twojej firmy w Reservio: { $zone }.
reservio-profile-resources = Pracownicy i pomieszczenia w Reservio: { $names }.
reservio-profile-filter-honoured = Reservio wyszukuje rezerwacje według daty wizyty: każde sprawdzenie czyta tylko najbliższe tygodnie.
reservio-profile-filter-misapplied = Reservio filtruje rezerwacje według dnia ich utworzenia, a nie daty wizyty: bookbridge czyta najpierw najnowsze rezerwacje — każde sprawdzenie trwa dłużej.
reservio-profile-filter-ignored = Reservio ignoruje filtr dat: bookbridge czyta najpierw najnowsze rezerwacje — każde sprawdzenie trwa dłużej.
reservio-profile-filter-unknown = Twój kalendarz Reservio nie ma jeszcze rezerwacji, więc bookbridge nie wie jeszcze, jak je filtruje; sprawdzi ponownie, gdy się pojawią.
reservio-profile-include-honoured = Reservio wysyła każdą rezerwację razem z wizytą i klientem.
reservio-profile-include-ignored = Reservio wysyła rezerwacje bez wizyty i klienta: bookbridge czyta je pojedynczo — każde sprawdzenie trwa dłużej.

## Expiring credentials and observe mode
credentials-expired-banner = { $system } odrzucił dane dostępowe tego połączenia { $since }: bookbridge nic nie zapisuje w żadnym systemie, dopóki nie zostaną wprowadzone nowe. { $held ->
    [0] Żadna zmiana nie czeka.
    [one] Czeka jedna zmiana; nie przepadnie.
    [few] Czekają { $held } zmiany; żadna nie przepadnie.
   *[other] Czeka { $held } zmian; żadna nie przepadnie.
}
credentials-system-unknown = System
credentials-care-title = Odrzucone dane dostępowe
credentials-care-where = Wprowadź nowe dane dostępowe
credentials-title = Zmień dane dostępowe
credentials-intro = Wprowadź token API Reservio albo klienta OAuth partnera Reservio (identyfikator klienta i sekret). bookbridge sprawdza je przed zapisaniem i przechowuje zaszyfrowane.
credentials-kind = Rodzaj danych dostępowych
credentials-kind-token = Token API Reservio
credentials-kind-oauth = Klient OAuth Reservio
credentials-kind-termino = Token Termino
credentials-token = Token
credentials-client-id = Identyfikator klienta
credentials-client-secret = Sekret klienta
credentials-submit = Sprawdź i zapisz
credentials-done = Nowe dane dostępowe działają. Oczekujące zmiany zostaną teraz wysłane.
credentials-error-missing = Wprowadź token albo identyfikator klienta i jego sekret, bez spacji.
credentials-error-client-id = Identyfikator klienta nie może zawierać dwukropka.
credentials-error-refused = System odrzucił te dane dostępowe; nic nie zmieniono.
mode-title = Obserwacja czy tryb na żywo
mode-observe-badge = Tryb obserwacji: bookbridge czyta i porównuje, ale nic nie zapisuje
mode-live-badge = Na żywo: bookbridge zapisuje zmiany w obu systemach
mode-observe-intro = bookbridge czyta oba systemy, łączy i porównuje rezerwacje oraz oznacza rozbieżności, ale niczego nie zmienia w żadnym systemie. Każda zmiana, którą by wprowadził, jest zapisywana jako „zrobiłby” na stronach rezerwacji i procedur. Przełącz na tryb na żywo, gdy będą wyglądać dobrze.
mode-live-intro = bookbridge przenosi zmiany i wykonuje kroki procedur w obu systemach.
mode-changed = Ostatnio przełączono:
mode-go-live = Przełącz na tryb na żywo
mode-go-observe = Przełącz na tryb obserwacji
mode-done-observe = Połączenie obserwuje: nic nie jest zapisywane w żadnym systemie, dopóki nie zostanie przełączone na tryb na żywo.
mode-done-live = Połączenie działa na żywo: zmiany zapisane w międzyczasie zostaną teraz wysłane.
mode-error-unknown = Wybierz tryb obserwacji albo tryb na żywo.
procedure-would-do = Tryb obserwacji: bookbridge wykonałby teraz ten krok i czeka, aż połączenie zostanie przełączone na tryb na żywo.
procedure-held-credentials = Oczekiwanie na nowe dane dostępowe: system odrzucił poprzednie.
push-would-do = Zrobiłby (tryb obserwacji)
push-held-credentials = Czeka na nowe dane dostępowe
push-held-title = Oczekujące zmiany
push-action-create = utworzyć rezerwację
push-action-update_time = przenieść rezerwację na nowy termin
push-action-update_customer = zaktualizować dane klienta
push-action-cancel = anulować rezerwację
push-action-other = zmienić rezerwację
procedure-move-by-hand = Reservio nie pozwala bookbridge przenosić rezerwacji: przenieś tę rezerwację na nowy termin we własnym kalendarzu Reservio. bookbridge stale sprawdza Reservio i przenosi nowy termin do kanału, gdy tylko Reservio go pokaże.

# people: partner users invite colleagues, the demo's mailbox, notices about one's account
mail-booking-time = Termin rezerwacji (w Twojej strefie czasowej): { $when }
mail-subject-password-changed = Twoje hasło do bookbridge zostało zmienione
mail-body-password-changed =
    Hasło do konta bookbridge { $email } zostało zmienione { $when }.
    Jeśli to Ty, nie musisz nic robić.
    Jeśli to nie Ty, natychmiast ustaw nowe hasło tutaj i powiadom administratora:
    { $link }
mail-subject-second-factor-enrolled = Dla Twojego konta bookbridge ustawiono drugi składnik
mail-body-second-factor-enrolled =
    Dla konta bookbridge { $email } ustawiono drugi składnik (aplikację uwierzytelniającą) { $when }.
    Jeśli to Ty, nie musisz nic robić.
    Jeśli to nie Ty, natychmiast ustaw nowe hasło tutaj i powiadom administratora:
    { $link }
mail-subject-second-factor-removed = Drugi składnik Twojego konta bookbridge został usunięty
mail-body-second-factor-removed =
    Administrator usunął drugi składnik konta bookbridge { $email } { $when }; nowy ustawisz przy następnym logowaniu.
    Jeśli o to nie prosiłeś, powiadom administratora i ustaw nowe hasło tutaj:
    { $link }
nav-mailbox = Skrzynka demo
mailbox-title = Skrzynka demo
mailbox-lead = Wersja demo nie wysyła e-maili: zaproszenia, linki do haseł i powiadomienia o kontach czekają tutaj, aby można je było otworzyć. Ta strona istnieje tylko w wersji demo.
mailbox-empty = Nie czeka żaden e-mail.
mailbox-open-link = Otwórz link
nav-team = Współpracownicy
team-title = Współpracownicy
team-lead = Wszyscy, którzy pracują w bookbridge dla Twojej firmy.
team-invite = Zaproś współpracownika
team-invite-submit = Wyślij zaproszenie
team-invite-off = Współpracowników może dodawać tylko administrator. Poproś go o dodanie osoby albo o zgodę na samodzielne zapraszanie.
partners-colleague-invitations-on = Dozwolone
action-colleague-invitations-on = Zezwól
action-colleague-invitations-off = Zablokuj
flash-colleague-invitations-on = Użytkownicy { $value } mogą teraz zapraszać współpracowników.
flash-colleague-invitations-off = Użytkownicy { $value } nie mogą już zapraszać współpracowników.
partners-colleague-invitations = Użytkownicy zapraszają współpracowników
partners-colleague-invitations-off = Niedozwolone
filters-toggle = Filtry
