# bookbridge — Czech catalogue. Keys as in en.ftl.

## Page chrome
skip-to-content = Přejít na obsah
nav-label = Hlavní navigace
nav-home = Úvod
nav-bookings = Rezervace
nav-mismatches = Fronta nesrovnalostí
nav-connections = Propojení
nav-users = Uživatelé
nav-partners = Partneři
nav-audit = Auditní stopa
logout = Odhlásit se
language-label = Jazyk
language-apply = Změnit

## Login
login-title = Přihlášení
login-email = E-mail
login-password = Heslo
login-submit = Přihlásit se
login-failed = E-mail nebo heslo nejsou správné.
login-throttled = Příliš mnoho neúspěšných pokusů. Z bezpečnostních důvodů je přihlašování na 15 minut pozastaveno; zkuste to prosím později.

## Home
home-title = Úvod
home-partner-of = Pracujete pro { $value }.
home-intro-partner = Vaše propojené rezervace ze systémů Reservio a Termino vedle sebe, s vyznačením každé nesrovnalosti.
home-intro-partner_care = Fronta označených nesrovnalostí a eskalací napříč všemi partnery.
home-intro-sales_rep = Nová propojení k potvrzení a služby k namapování.
home-intro-admin = Uživatelé a partneři aplikace bookbridge.

## Workspaces
bookings-title = Rezervace
mismatches-title = Fronta nesrovnalostí
mismatches-coming = Zatím nejsou žádné nesrovnalosti k řešení: zobrazí se zde, jakmile nějakou synchronizace najde.
connections-title = Propojení
connections-coming = Zde se zobrazí propojení čekající na mapování nebo ověření.

## Roles and states
role-partner = Partner
role-partner_care = Partner Care
role-sales_rep = Obchodní zástupce
role-admin = Administrátor
role-unknown = Neznámá role
status-active = Aktivní
status-disabled = Neaktivní
action-enable = Aktivovat
action-disable = Deaktivovat

## Admin: users
users-title = Uživatelé
users-email = E-mail
users-role = Role
users-partner = Partner
users-no-partner = — žádný (interní pracovník) —
users-status = Stav
users-actions = Akce
users-add = Přidat uživatele
users-add-submit = Přidat uživatele
confirm-disable-user = Deaktivovat { $value }? Uživatel bude okamžitě odhlášen.
flash-user-disabled = Uživatel { $value } byl deaktivován a odhlášen.
flash-user-enabled = Uživatel { $value } byl aktivován.
flash-cannot-disable-self = Vlastní účet nemůžete deaktivovat.

## Admin: partners
partners-title = Partneři
partners-name = Název
partners-timezone = Časové pásmo
partners-empty = Zatím nejsou žádní partneři. Prvního přidejte níže.
partners-add = Přidat partnera
partners-add-submit = Přidat partnera
confirm-disable-partner = Deaktivovat { $value }?
flash-partner-created = Partner { $value } byl přidán.
flash-partner-disabled = Partner { $value } byl deaktivován.
flash-partner-enabled = Partner { $value } byl aktivován.

## Form errors
error-email-invalid = Zadejte e-mailovou adresu ve tvaru jmeno@example.com.
error-email-taken = Uživatel s tímto e-mailem už existuje.
error-role-unknown = Vyberte jednu z rolí.
error-password-short = Heslo musí mít alespoň 10 znaků.
error-password-long = Heslo může mít nejvýše 256 znaků.
error-partner-required = Uživatel s rolí Partner musí patřit k partnerovi.
error-partner-unknown = Vyberte partnera ze seznamu.
error-partner-staff = K partnerovi patří jen uživatelé s rolí Partner; u interních pracovníků nechte pole prázdné.
error-partner-name-empty = Zadejte název partnera.
error-partner-name-long = Název může mít nejvýše 120 znaků.
error-partner-name-taken = Partner s tímto názvem už existuje.
error-language-unknown = Tento jazyk není k dispozici.

## Error pages
error-status = Stav
error-back-home = Zpět na úvodní stránku
error-not-found = Tato stránka neexistuje, nebo k ní nemáte přístup.
error-forbidden = K zobrazení této stránky nemáte oprávnění.
error-unauthenticated = Nejprve se prosím přihlaste.
error-csrf = Platnost formuláře vypršela, nebo formulář nepochází z tohoto webu. Obnovte stránku a zkuste to znovu.
error-too-large = Požadavek je příliš velký.
error-form-malformed = Formulář se nepodařilo načíst. Obnovte stránku a zkuste to znovu.
error-query-malformed = Adresa obsahuje hodnotu, kterou se nepodařilo načíst.
error-method = Tato adresa tento typ požadavku nepodporuje.
error-internal = Omlouváme se, na naší straně se něco pokazilo. Chyba byla zaznamenána; zkuste to prosím za chvíli znovu.

## Audit
audit-title = Auditní stopa
audit-empty = Zatím nebylo nic zaznamenáno.
audit-when = Kdy
audit-actor = Kdo
audit-action = Akce
audit-entity = Objekt
audit-before = Před
audit-after = Po
audit-request = Požadavek
audit-hash = Hash
audit-back = Zpět na auditní stopu
audit-entry-title = Auditní záznam
audit-chain-intact = { $count ->
    [one] Řetězec ověřen: { $count } záznam, žádný nebyl změněn ani nechybí.
    [few] Řetězec ověřen: { $count } záznamy, žádný nebyl změněn ani nechybí.
    [many] Řetězec ověřen: { $count } záznamu, žádný nebyl změněn ani nechybí.
   *[other] Řetězec ověřen: { $count } záznamů, žádný nebyl změněn ani nechybí.
}
audit-chain-broken = Řetězec je přerušen u záznamu { $value }

## Paging
pager-label = Stránky
pager-previous = Předchozí
pager-next = Další
pager-older = Starší záznamy

## Dates: short month names
month-jan = led
month-feb = úno
month-mar = bře
month-apr = dub
month-may = kvě
month-jun = čvn
month-jul = čvc
month-aug = srp
month-sep = zář
month-oct = říj
month-nov = lis
month-dec = pro

## Mismatches: names and what they mean (shared by every page that shows them)
mismatch-missing_in_reservio = Chybí v systému Reservio
mismatch-missing_in_reservio-help = Rezervace je v systému Termino, ale ve vašem kalendáři Reservio chybí. Zákazník má voucher a přijde. bookbridge takové rezervace do Reservio kopíruje sám; pokud stále chybí, nabídka kanálu pravděpodobně není namapovaná na žádnou z vašich služeb. Přidejte rezervaci v Reservio, nebo požádejte svého obchodního zástupce o namapování nabídky.
mismatch-missing_in_termino = Chybí v systému Termino
mismatch-missing_in_termino-help = Rezervace je ve vašem kalendáři Reservio, ale systém Termino k ní nemá žádnou rezervaci. Každá rezervace v systému Termino patří k voucheru: zkontrolujte kód voucheru a to, zda je služba namapovaná, a pokud si nejste jisti, kontaktujte Partner Care.
mismatch-status_differs = Liší se stav
mismatch-status_differs-help = Jeden systém ukazuje rezervaci jako zrušenou a druhý ne. Zrušení se nikdy nepřenese samo. Zrušte ji v obou systémech — nejprve voucher: Partner Care ho zruší v systému Termino a po potvrzení zrušíte rezervaci v Reservio. Potom oba systémy zkontrolujte. Rezervaci nikdy nemažte (pravidlo 2 FAQ).
mismatch-time_differs = Liší se čas
mismatch-time_differs-help = Systémy ukazují různý čas a změna se nepřenesla během hodiny, kterou kanál slibuje. Domluvte termín se zákazníkem a změňte ho jen v jednom systému — nejlépe v tom, kde rezervace vznikla — a změna se přenese sama (pravidlo 3 FAQ).
mismatch-service_differs = Liší se služba
mismatch-service_differs-help = Systémy ukazují různé služby. Změna služby jde přes kanál: ten zruší původní voucher a vystaví nový na zvolenou službu; vy pak původní rezervaci v Reservio zrušíte (nikdy nesmažete) a nový voucher dostane vlastní rezervaci (pravidlo 5 FAQ).
mismatch-rejected_without_care = Odmítnuto bez Partner Care
mismatch-rejected_without_care-help = Rezervace byla v Reservio odmítnuta, ale Partner Care o tom neví. Rezervace stále platí: zákazník přijde. Pokud ji nemůžete dodržet, ihned kontaktujte Partner Care (pravidlo 4 FAQ).
mismatch-unanswered = Čeká na vaši odpověď
mismatch-unanswered-help = Rezervace stále čeká na vaše potvrzení. Nezodpovězená rezervace stále platí: zákazník přijde. Potvrďte ji, nebo ihned kontaktujte Partner Care, pokud ji nemůžete dodržet (pravidlo 4 FAQ).
mismatch-deleted_remotely = Smazáno v jednom systému
mismatch-deleted_remotely-help = Rezervace zmizela z jednoho ze systémů. Rezervace se nikdy nesmějí mazat, v žádném systému a z žádného důvodu (pravidlo 2 FAQ). Kontaktujte Partner Care, aby zákazník nezůstal bez termínu.
mismatch-customer_differs = Liší se údaje zákazníka
mismatch-customer_differs-help = Jméno, e-mail nebo telefon zákazníka se v systémech liší a změna se nepřenesla. Opravte je v systému, kde rezervace vznikla; bookbridge změnu zkopíruje do druhého.
mismatch-push_failed = Změna nedoručena
mismatch-push_failed-help = bookbridge nedokázal změnu doručit do druhého systému ani po několika pokusech. Pokud ten systém neodpovídal, bookbridge ji v klidném tempu posílá znovu, a hned, jakmile systém znovu odpoví; pokud ji systém odmítl, sám ji znovu neposílá. Na stránce rezervace je vidět, o který případ jde a kdy bude další pokus, a změnu tam můžete poslat znovu hned.
mismatch-conflict = Změněno v obou systémech
mismatch-conflict-help = Oba systémy byly od poslední shody změněny různě, a proto bookbridge nezměnil ani jeden. Dohodněte se se zákazníkem, která verze platí, a změňte rezervaci jen v jednom systému (pravidlo 3 FAQ).
mismatch-unknown = Jiná nesrovnalost
mismatch-unknown-help = Systémy se liší způsobem, který tato stránka zatím neumí popsat. Porovnejte obě strany níže, a pokud si nejste jisti, kontaktujte Partner Care.
severity-low = Nízká
severity-medium = Střední
severity-high = Vysoká
severity-critical = Kritická

## Booking statuses and systems
booking-status-pending = Čeká na potvrzení
booking-status-confirmed = Potvrzená
booking-status-cancelled = Zrušená
booking-status-rejected = Odmítnutá
booking-status-unknown = Neznámý stav
system-reservio = Reservio
system-termino = Termino

## Partner: bookings list
bookings-intro = Každá propojená rezervace se stranou Reservio a stranou Termino vedle sebe. Pole, která se liší, jsou zvýrazněna.
bookings-filter-label = Filtrovat rezervace
bookings-filter-from = Od
bookings-filter-to = Do
bookings-filter-text = Hledat
bookings-filter-text-help = Kód voucheru, jméno, e-mail nebo telefon zákazníka.
bookings-filter-kind = Nesrovnalost
bookings-filter-kind-any = Jakákoli nebo žádná
bookings-filter-status = Stav v kterémkoli systému
bookings-filter-status-any = Jakýkoli stav
bookings-filter-sort = Řadit podle
bookings-filter-only-mismatches = Jen rezervace s nesrovnalostí
bookings-filter-apply = Zobrazit
bookings-filter-reset = Zrušit filtry
bookings-sort-time = Čas, nejdřívější první
bookings-sort-time_desc = Čas, nejpozdější první
bookings-sort-changed = Naposledy změněné
bookings-sort-severity = Nejzávažnější nesrovnalost první
bookings-loading = Načítání…
bookings-live = Seznam se sám obnovuje, jak synchronizace přináší změny.
bookings-csv = Stáhnout jako CSV
bookings-summary = { $total ->
    [one] { $first }–{ $last } z { $total } rezervace
   *[other] { $first }–{ $last } z { $total } rezervací
}
bookings-summary-more = { $first }–{ $last } z více než { $total } rezervací
bookings-page = Strana { $count }
bookings-empty = Od dneška nejsou žádné propojené rezervace. Zobrazí se zde, jakmile je synchronizace propojí.
bookings-empty-filtered = Těmto filtrům neodpovídá žádná rezervace.
bookings-empty-page = Tato stránka je za koncem seznamu.
bookings-first-page = Přejít na první stránku
bookings-caption = Propojené rezervace, Reservio a Termino vedle sebe
bookings-col-booking = Voucher
bookings-col-time = Čas
bookings-col-service = Služba
bookings-col-customer = Zákazník
bookings-col-status = Stav
bookings-col-mismatches = Nesrovnalosti
bookings-side-absent = v tomto systému není
bookings-side-vanished = smazáno
bookings-service-unmapped = { $value } (nenamapováno)
bookings-in-agreement = Ve shodě
bookings-pending-short = { $count ->
    [one] změna je na cestě { $count } minutu
    [few] změna je na cestě { $count } minuty
   *[other] změna je na cestě { $count } minut
}

## Partner: one booking
booking-back = ← Všechny rezervace
booking-heading = Rezervace { $value }
booking-linked-at = Propojeno { $value }
booking-origin = vytvořeno v systému { $value }
booking-superseded = Tato rezervace byla po změně služby nahrazena.
booking-superseded-link = Otevřít rezervaci, která ji nahradila
booking-attention = Co vyžaduje pozornost
booking-all-agree = Oba systémy se na této rezervaci shodují.
booking-differs-unflagged = Žádná nesrovnalost není označena. Zvýrazněná pole se liší, protože se změna teprve kopíruje do druhého systému; synchronizace ji označí, pokud nedorazí včas.
booking-flagged-at = Označeno { $value }
booking-sides = Oba systémy, pole po poli
booking-field = Pole
booking-base = Naposledy dohodnuto
booking-no-base = Systémy se na této rezervaci zatím neshodly, takže není s čím porovnávat.
booking-field-time = Datum a čas
booking-field-service = Služba
booking-field-name = Zákazník
booking-field-email = E-mail
booking-field-phone = Telefon
booking-field-status = Stav
booking-field-external-id = Číslo rezervace v systému
booking-field-fetched = Naposledy načteno
booking-field-vanished = Zmizela ze systému
booking-procedures = Co můžete udělat
booking-procedures-note = Každý postup před spuštěním ukáže své kroky, potom je provede popořadě a každý zapíše do historie níže.
booking-procedure-cancel = Zrušit v obou systémech
booking-procedure-reschedule = Přesunout na jiný čas
booking-procedure-change_service = Změnit službu
booking-procedure-escalate = Požádat Partner Care o pomoc
booking-timeline = Průběh
booking-timeline-empty = U této rezervace zatím nebylo nic zaznamenáno.
booking-audit-entry = Záznam auditu { $value }
duration-minutes = { $count ->
    [one] { $count } minutu
    [few] { $count } minuty
   *[other] { $count } minut
}
duration-hours = { $count ->
    [one] { $count } hodinu
    [few] { $count } hodiny
   *[other] { $count } hodin
}
timeline-actor-sync = synchronizace bookbridge
timeline-actor-system = bookbridge
timeline-booking_seen = Rezervace byla načtena ze systému { $value }
timeline-booking_changed = Rezervace se změnila v systému { $value }
timeline-booking_vanished = Rezervace zmizela ze systému { $value }
timeline-link_created = Propojeno, počínaje rezervací v systému { $value }
timeline-link_completed = Odpovídající rezervace v systému { $value } byla nalezena a propojena
timeline-link_agreed = Oba systémy se opět shodují
timeline-push_enqueued = Změna čeká na odeslání do systému { $value }
timeline-push_applied = Změna byla provedena v systému { $value }
timeline-push_retry = Odeslání změny do systému { $value } selhalo; zkusí se znovu
timeline-push_failed = Odeslání změny do systému { $value } selhalo i po rychlých opakováních: změna nedoručena
timeline-mismatch_opened = Označena nesrovnalost: { $value }
timeline-mismatch_resolved = Vyřešena nesrovnalost: { $value }

## Partner: CSV export (column headers)
csv-link = Propojení
csv-voucher = Kód voucheru
csv-start = Začátek ({ $value })
csv-end = Konec ({ $value })
csv-service = Služba
csv-customer = Zákazník
csv-email = E-mail
csv-phone = Telefon
csv-status = Stav
csv-mismatches = Otevřené nesrovnalosti
csv-change-pending-since = Změna na cestě od

## Partner: home
home-open-mismatches = Otevřené nesrovnalosti
home-open-none = Není co opravovat: každá propojená rezervace se v obou systémech shoduje.
home-open-total = { $count ->
    [one] { $count } otevřená nesrovnalost, podle druhu:
    [few] { $count } otevřené nesrovnalosti, podle druhu:
   *[other] { $count } otevřených nesrovnalostí, podle druhu:
}
home-today = Dnes
home-tomorrow = Zítra
home-day-empty = Žádné rezervace.
home-day-all = { $count ->
    [one] Zobrazit { $count } rezervaci v seznamu
    [few] Zobrazit všechny { $count } rezervace v seznamu
   *[other] Zobrazit všech { $count } rezervací v seznamu
}
home-chart-title = Nesrovnalosti za posledních 30 dní
home-chart-opened = Otevřené
home-chart-resolved = Vyřešené
home-chart-desc = Sloupce pro každý den: otevřené a vyřešené nesrovnalosti.
home-chart-opened-on = { $count ->
    [one] { $count } otevřena
    [few] { $count } otevřeny
   *[other] { $count } otevřeno
}
home-chart-resolved-on = { $count ->
    [one] { $count } vyřešena
    [few] { $count } vyřešeny
   *[other] { $count } vyřešeno
}
home-chart-empty = Za posledních 30 dní nebyla otevřena ani vyřešena žádná nesrovnalost.
home-chart-table = Zobrazit čísla v tabulce
home-chart-day = Den

## Navigation and loading (dashboard)
nav-connection = Propojení
nav-cases = Případy
loading = Načítání…

## Partner Care: the mismatch queue
care-cases-link = Případy předané Partner Care →
care-health-title = Stav synchronizace podle partnera
care-health-empty = Žádný partner zatím nemá propojení.
care-partner = Partner
care-health-agreement = Shodná propojení rezervací
care-health-links = { $count ->
    [one] z { $count } propojení
   *[other] z { $count } propojení
}
care-health-open = Otevřené nesrovnalosti
care-health-oldest = Nejstarší otevřená nesrovnalost
care-health-failed = Neúspěšná odeslání
care-filter-kind = Druh
care-filter-all = Vše
care-filter-severity = Závažnost
care-filter-age = Stáří
care-filter-any-age = Jakékoli stáří
care-age-1h = Starší než hodina
care-age-1d = Starší než den
care-age-7d = Starší než týden
care-filter-assignee = Řešitel
care-filter-anyone = Kdokoli
care-filter-me = Já
care-filter-nobody = Zatím nikdo
care-filter-state = Stav
care-filter-unresolved = Otevřené a převzaté
care-filter-apply = Použít filtry
care-state-open = Otevřená
care-state-acknowledged = Převzatá
care-state-resolved = Vyřešená
care-queue-count = { $count ->
    [one] { $count } nesrovnalost k vyřízení
    [few] { $count } nesrovnalosti k vyřízení
    [many] { $count } nesrovnalosti k vyřízení
   *[other] { $count } nesrovnalostí k vyřízení
}
care-queue-empty-filtered = Těmto filtrům neodpovídá žádná nesrovnalost.
care-bulk-label = S označenými řádky:
care-action-acknowledge = Převzít
care-action-assign = Přiřadit mně
care-action-open = Otevřít
care-action-resolve = Vyřešit
care-select = Vybrat
care-select-one = Vybrat nesrovnalost { $value }
care-mismatch = Nesrovnalost
care-booking = Rezervace
care-detected = Zjištěno
care-assignee = Řešitel
care-assignee-you = Vy
care-unassigned = Nepřiřazeno
care-age-minutes = { $count ->
    [one] před { $count } minutou
   *[other] před { $count } minutami
}
care-age-hours = { $count ->
    [one] před { $count } hodinou
   *[other] před { $count } hodinami
}
care-age-days = { $count ->
    [one] před { $count } dnem
   *[other] před { $count } dny
}
care-done-assigned = Nesrovnalost { $value } je nyní přiřazena vám.
care-done-acknowledged = Nesrovnalost { $value } je převzata.
care-done-resolved = Nesrovnalost { $value } je vyřešena.
care-refused-resolved = Nesrovnalost { $value } už je vyřešena; nic se nezměnilo.
care-refused-acknowledged = Nesrovnalost { $value } už je převzata; nic se nezměnilo.
care-refused-already-yours = Nesrovnalost { $value } už je přiřazena vám.
care-refused-changed = Nesrovnalost { $value } mezitím změnil někdo jiný; zobrazujeme její současný stav.
care-bulk-acknowledged = Převzato: { $value }.
care-bulk-assigned = Přiřazeno vám: { $value }.
care-bulk-skipped = Vynecháno, protože byly mezitím vyřízeny nebo vyřešeny: { $value }.
care-bulk-none = Nejprve označte alespoň jednu nesrovnalost.

## Partner Care: one mismatch
care-back-to-queue = ← Fronta nesrovnalostí
care-last-seen = Naposledy zjištěno
care-acknowledged = Převzato
care-resolved = Vyřešeno
care-resolution-note = Poznámka k vyřešení
care-resolution-hint = Napište, co se udělalo, například: voucher zrušen, rezervace zrušena v Reservio, zákazník informován. Partner to také čte.
care-work-title = Vyřízení
care-sides-title = Rezervace v obou systémech
care-sides-missing = Rezervaci, které se nesrovnalost týká, se nepodařilo najít.
care-history-title = Další nesrovnalosti této rezervace
care-audit-link = Vše, co o této nesrovnalosti zaznamenal auditní záznam
care-voucher = Voucher
care-differs = liší se
care-link-has-case = K této rezervaci je otevřen případ u Partner Care.

## Cases
cases-title = Případy
cases-empty = Žádné případy. Záležitosti předané partnery se zde objeví, jakmile budou otevřeny.
cases-back = ← Všechny případy
cases-filter-unresolved = Otevřené a v řešení
case-kind = Druh
case-subject = Týká se
case-opened = Otevřeno
case-reason = Co partner napsal
case-outcome = Rozhodnutí
case-outcome-choose = Vyberte rozhodnutí…
case-kind-connection_problem = Problém s propojením
case-kind-cannot_honour = Rezervaci nelze dodržet
case-kind-needs_help = Potřebuje pomoc
case-kind-unknown = Jiný případ
case-state-open = Otevřený
case-state-in_progress = V řešení
case-state-resolved = Vyřešený
case-outcome-booking_kept = Rezervace platí: zákazník přijde
case-outcome-booking_cancelled = Rezervace zrušena v obou systémech
case-outcome-booking_moved = Rezervace přesunuta na jiný termín
case-outcome-connection_fixed = Nastavení propojení opraveno
case-outcome-no_action_needed = Nebylo třeba nic dělat
case-outcome-unknown = Jiné rozhodnutí
case-notes-title = Konverzace
case-notes-empty = Zatím žádné zprávy.
case-note-label = Vaše zpráva
case-note-submit = Odeslat zprávu
case-decide-title = Rozhodnout případ
case-take = Převzít tento případ
case-resolve-note = Poslední slovo pro partnera (nepovinné)
case-resolve = Vyřešit případ
case-done-note = Vaše zpráva byla přidána do konverzace.
case-done-taken = Převzali jste případ.
case-done-resolved = Případ je vyřešen.
case-refused-resolved = Tento případ už je vyřešen; nic se nezměnilo.
case-refused-taken = Tento případ už někdo převzal, nebo je vyřešen.

## Sales: connections
sales-lookup-title = Otevřít propojení podle jeho ID
sales-lookup-hint = Partner vygeneruje ID propojení na své stránce Propojení a pošle vám ho.
sales-lookup-submit = Otevřít
sales-error-code-unknown = Žádné propojení nemá toto ID. Ověřte ho s partnerem.
error-code-empty = Zadejte ID propojení.
error-code-invalid = ID propojení obsahuje jen písmena, číslice a pomlčku, například K7QM4-XW9PD.
sales-list-problems = Nahlášen problém
sales-list-setup = Probíhá mapování
sales-list-waiting = Čekají na ověření partnerem
sales-list-live = Aktivní
sales-last-step = Poslední krok
sales-problems = Otevřené problémy
sales-back = ← Všechna propojení
sales-problems-title = Problémy nahlášené partnerem
sales-account-title = Účet partnera v kanálu
sales-account-intro = Partnerský účet v Termino, pod kterým kanál prodává vouchery tohoto partnera.
sales-termino-token = API token pro Termino
sales-account-submit = Uložit účet
sales-sandbox-intro = Demo: vytvořte účet v kanálu v pískovišti, který prodává služby tohoto partnera a má už několik rezervovaných voucherů.
sales-sandbox-submit = Použít účet z pískoviště
sales-mapping-title = Přiřadit služby k nabídkám
sales-mapping-intro = Načteno živě z obou systémů. Ke každé službě partnera vyberte nabídku kanálu, přes kterou se rezervuje.
sales-service = Služba partnera (Reservio)
sales-duration = Délka
sales-minutes = { $count ->
    [one] { $count } minuta
    [few] { $count } minuty
   *[other] { $count } minut
}
sales-offer = Nabídka kanálu (Termino)
sales-offer-none = — v kanálu se neprodává —
sales-mapping-submit = Uložit přiřazení
sales-saved-mapping = Uložené přiřazení
sales-no-services = Kalendář partnera zatím nenabízí žádné služby.
sales-confirm-intro = Přiřazení je uloženo. Potvrďte propojení a dejte tím partnerovi vědět: rezervace se začnou kopírovat a partner je před spuštěním zkontroluje.
sales-confirm-submit = Potvrdit propojení
sales-reopen-intro = Pokud partner nahlásil problém s přiřazením, vraťte ho zpět a upravte.
sales-reopen-submit = Znovu upravit přiřazení
sales-done-account = Účet v kanálu je uložen.
sales-done-mapped = Přiřazení je uloženo.
sales-done-confirmed = Propojení je potvrzeno; partner ho nyní může ověřit.
sales-done-reopened = Přiřazení lze znovu upravovat.
sales-error-account-empty = Zadejte ID partnera v Termino a jeho API token, bez mezer.
sales-error-account-unreachable = Termino toto ID partnera a token nepřijalo.
sales-error-offer-unknown = Tato nabídka už neexistuje; vyberte znovu.
sales-error-offer-twice = Tato nabídka už je přiřazena jiné službě.
sales-error-map-one = Přiřaďte alespoň jednu službu.
sales-read-failed-reservio = Služby partnera se nepodařilo načíst z Reservio. Zkuste to za chvíli znovu.
sales-read-failed-termino = Nabídky kanálu se nepodařilo načíst z Termino. Zkuste to za chvíli znovu.
sales-systems-off = Tato instalace není propojena s Reservio a Termino.
sales-refused-state = Toto propojení se mezitím změnilo; stránka ukazuje jeho současný stav.

## Partner: connection
connection-title = Propojení
connection-intro = Vaše propojení mezi Reservio a kanálem: požádejte o něj, pošlete jeho ID svému obchodníkovi a před spuštěním zkontrolujte, že se rezervace kopírují správně.
connection-code = ID propojení
connection-state = Stav
connection-state-requested = Vyžádáno
connection-state-mapped = Služby přiřazeny
connection-state-verifying = Ověřuje se
connection-state-active = Aktivní
connection-state-rejected = Zamítnuto
connection-state-suspended = Pozastaveno
connection-state-disconnected = Odpojeno
connection-step-requested = ID propojení vygenerováno
connection-step-mapped = Kanál přiřadil služby
connection-step-verifying = Potvrzeno obchodníkem; ověřování zahájeno
connection-step-active = Ověřeno a aktivní
connection-send-code = Pošlete toto ID propojení svému obchodníkovi. Kanál podle něj přiřadí vaše služby.
connection-mapping = Služby podle přiřazení kanálu
connection-cases = Nahlášené problémy
connection-back = ← Propojení
connection-request-title = Požádat o propojení
connection-request-intro = Zadejte ID své firmy v Reservio a API token z nastavení Reservio. Dostanete ID propojení, které pošlete svému obchodníkovi.
connection-reservio-business = ID firmy v Reservio
connection-reservio-token = API token pro Reservio
connection-termino-partner = ID partnera v Termino
connection-request-submit = Vygenerovat ID propojení
connection-sandbox-intro = Demo: vytvořte kalendář Reservio v pískovišti se třemi službami a požádejte s ním o propojení.
connection-sandbox-submit = Použít kalendář z pískoviště
connection-error-business = Zadejte ID své firmy v Reservio, bez mezer.
connection-error-token = Zadejte API token, bez mezer.
connection-error-unreachable = Reservio toto ID firmy a token nepřijalo. Zkontrolujte obojí a zkuste to znovu.
connection-refused-pending = Jedno propojení se už nastavuje; nejprve ho dokončete.
connection-refused-state = Toto propojení se už neověřuje; stránka ukazuje jeho současný stav.
connection-done-requested = Vaše ID propojení je { $value }. Pošlete ho svému obchodníkovi.
connection-done-live = Propojení je aktivní. Rezervace se nyní kopírují oběma směry.
connection-done-problem = Partner Care má vaše hlášení ({ $value }). Propojení zůstává v ověřování, dokud se věc nevyřeší.

## Partner: verification report
verify-title = Zpráva o ověření
verify-intro = Porovnejte níže uvedený vzorek: rezervace tak, jak je ukazují oba systémy, a volné termíny ve vašem kalendáři oproti tomu, co je rezervováno v kanálu. Spusťte propojení, teprve když vše souhlasí.
verify-open-report = Otevřít zprávu o ověření
verify-go-live = Vše souhlasí — spustit
verify-problem-label = Co nesouhlasí?
verify-report-problem = Nahlásit problém
verify-all-match = Vše souhlasí
verify-differences = { $count ->
    [one] { $count } rozdíl ke kontrole
    [few] { $count } rozdíly ke kontrole
    [many] { $count } rozdílu ke kontrole
   *[other] { $count } rozdílů ke kontrole
}
verify-links-agree = { $count ->
    [one] { $count } rezervace souhlasí
    [few] { $count } rezervace souhlasí
    [many] { $count } rezervace souhlasí
   *[other] { $count } rezervací souhlasí
}
verify-bookings-title = Rezervace v obou systémech
verify-bookings-empty = Zatím se nezkopírovaly žádné rezervace. Synchronizace běží každých několik sekund; stránku za chvíli obnovte.
verify-differences-col = Rozdíly
verify-match = Souhlasí
verify-diff-missing-reservio = Zatím není v Reservio
verify-diff-missing-termino = Chybí v Termino
verify-diff-time = Jiný čas
verify-diff-service = Služba není přiřazena k této nabídce
verify-diff-status = Jiný stav
verify-diff-customer = Jiný zákazník
verify-availability-title = Dostupnost v příštích třech dnech
verify-free-in-reservio = Volné v Reservio
verify-booked-in-termino = Rezervováno v kanálu
verify-issue-not-mapped = V kanálu se neprodává: k této službě není přiřazena žádná nabídka.
verify-issue-duration = Nabídka a služba trvají různě dlouho: { $value }.
verify-issue-slot-free = Rezervováno v kanálu na { $value }, ale v Reservio stále volné.

## Notes and outcomes (form errors)
error-note-empty = Napište pár slov; toto pole nesmí být prázdné.
error-note-long = Vejděte se do 2 000 znaků.
error-outcome-required = Vyberte rozhodnutí.

## Audit: filters and export
audit-action-hint = Celá akce, například mismatch.resolved, nebo její první část, například mismatch.
audit-from = Od
audit-to = Do
audit-export = Stáhnout jako CSV
audit-empty-filtered = Těmto filtrům neodpovídá žádný záznam.
audit-csv-id = Záznam
audit-csv-at = Kdy (UTC)
audit-csv-entity-id = ID objektu
audit-csv-partner = ID partnera

## Outbox: confirmation e-mails to partners
nav-outbox = Odchozí pošta
outbox-title = Odchozí pošta
outbox-lead = Potvrzovací e-maily: každou změnu, kterou kanál provede v rezervaci partnera, potvrzujeme všem uživatelům tohoto partnera.
outbox-held-demo = Toto demo e-maily neodesílá; zprávy se místo toho zobrazují zde.
outbox-held-no-smtp = Odesílání e-mailů není na tomto serveru nastaveno, proto se zprávy místo odeslání uchovávají zde.
outbox-empty = Zatím tu nejsou žádné e-maily. Potvrzení se zde objeví, jakmile kanál změní rezervaci.
outbox-count = { $count ->
    [one] { $count } zpráva
    [few] { $count } zprávy
    [many] { $count } zprávy
   *[other] { $count } zpráv
}
outbox-created = Vytvořeno
outbox-recipient = Komu
outbox-subject = Předmět
outbox-state = Stav
outbox-message = Zpráva
outbox-show-message = Zobrazit zprávu
email-state-pending = Čeká na odeslání
email-state-sent = Odesláno
email-state-failed = Nedoručeno
email-state-held = Neodesláno, zobrazeno jen zde
email-state-unknown = Neznámý stav

## Postupy s průvodcem: formuláře, průběh, kroky (pravidla 2–6 FAQ)
booking-procedure-busy = U této rezervace už probíhá jiný postup; nejprve ho dokončete, nebo ukončete.
booking-procedure-active = Probíhá:
booking-procedures-past = Dřívější postupy
procedure-rule-cancel = Pravidlo 2: zrušte rezervaci v obou systémech — nejprve voucher, potom rezervaci v Reservio. Rezervaci nikdy nemažte.
procedure-rule-reschedule = Pravidlo 3: domluvte se zákazníkem nový termín a změňte ho v jednom systému — v tom, kde rezervace vznikla — a změna se do druhého přenese sama.
procedure-rule-change_service = Pravidlo 5: kanál zruší původní voucher a vydá nový na novou službu; původní rezervace se v Reservio zruší (nikdy nesmaže) a nový voucher dostane vlastní rezervaci.
procedure-rule-escalate = Pravidlo 4: pokud rezervaci nemůžete dodržet, hned to oznamte Partner Care. Dokud ji Partner Care nevyřeší, rezervace platí a zákazník přijde.
procedure-for-booking = Rezervace { $value }
procedure-back = ← Zpět na rezervaci
procedure-plan-title = Co se stane
procedure-plan-lead = Tyto kroky proběhnou v tomto pořadí, jeden po druhém; každý se zapíše do historie rezervace.
procedure-step-skipped = Přeskočeno: { $value }
procedure-not-connected = Tento server není propojen s rezervačními systémy, takže zde postupy nemohou běžet.
procedure-refused-title = Tento postup nelze spustit
procedure-active = U této rezervace už probíhá jiný postup. Nejprve ho dokončete, nebo ukončete.
procedure-active-link = Otevřít probíhající postup
procedure-form-title = Podrobnosti
procedure-reason = Důvod
procedure-reason-hint-cancel = Proč se rezervace ruší? Uvidí to Partner Care i kanál.
procedure-reason-hint-escalate = Proč tuto rezervaci nemůžete dodržet?
procedure-proposal = Váš návrh (nepovinné)
procedure-proposal-hint = Například jiný den, jiná služba nebo vrácení peněz.
procedure-escalate-valid = Dokud ji Partner Care nevyřeší, rezervace platí a zákazník přijde.
procedure-date = Den
procedure-service = Nová služba
procedure-service-choose = Vyberte službu
procedure-service-current = Nyní: { $value }
procedure-slots-legend = Volné časy dne { $value }
procedure-slots-zone = Časy v časovém pásmu { $value }.
procedure-slots-empty = Ten den nejsou žádné volné časy. Vyberte jiný den.
procedure-slots-choose-date = Vyberte den a uvidíte jeho volné časy.
procedure-slots-choose-service = Vyberte službu a uvidíte její volné časy.
procedure-slots-loading = Načítají se volné časy…
procedure-slots-error = Rezervační systém neodpověděl, takže volné časy nelze zobrazit. Zkuste to za chvíli znovu.
procedure-slot-bad-date = To není platný den. Vyberte ho v kalendáři.
procedure-self-rescheduled = Zákazník už využil svou jedinou samostatnou změnu termínu ve svém účtu u kanálu.
procedure-self-reschedule-free = Zákazník ještě nevyužil svou jedinou samostatnou změnu termínu: rezervaci může přesunout i sám ve svém účtu u kanálu.
procedure-applied-in = Nový čas se zapíše v systému { $value }, kde rezervace vznikla; synchronizace ho přenese do druhého systému.
procedure-submit-cancel = Spustit zrušení
procedure-submit-reschedule = Přesunout rezervaci
procedure-submit-change_service = Změnit službu
procedure-submit-escalate = Odeslat Partner Care
procedure-for-case = Po dokončení tento postup uzavře případ Partner Care č. { $value }.
procedure-error-reason-missing = Napište důvod.
procedure-error-slot-missing = Vyberte jeden z volných časů.
procedure-error-slot-malformed = Vybraný čas se nepodařilo přečíst. Vyberte znovu jeden z volných časů.
procedure-error-service-missing = Vyberte novou službu.
procedure-error-unmapped = Tato služba není přiřazena k žádné nabídce kanálu. Požádejte svého obchodního zástupce o její přiřazení.
procedure-error-system = Rezervační systém neodpověděl. Nic nebylo spuštěno; zkuste to za chvíli znovu.
procedure-error-no_connection = Propojení této rezervace není nastavené, takže postup nemůže běžet.
procedure-error-case-open = U této rezervace už je otevřený případ Partner Care.
procedure-error-case-open-link = Otevřít případ
procedure-started = Postup byl spuštěn. Jeho kroky se níže objevují tak, jak probíhají.
procedure-refused-already_cancelled = Oba systémy už tuto rezervaci ukazují jako zrušenou; není co rušit.
procedure-refused-cancelled = Zrušenou rezervaci nelze přesunout ani změnit.
procedure-refused-superseded = Tuto rezervaci po změně služby nahradila nová; pracujte s novou rezervací.
procedure-refused-no_voucher = Tato rezervace nemá v Termino voucher, takže ji kanál nemůže změnit. Požádejte o pomoc Partner Care.
procedure-refused-not_in_reservio = Tato rezervace (zatím) není v Reservio, takže tam není co přesouvat.
slot-problem-past = Vybraný čas už minul. Vyberte pozdější.
slot-problem-invalid = Vybraný čas není platný termín. Vyberte jeden z volných časů.
slot-problem-taken = Vybraný čas mezitím obsadila jiná rezervace. Vyberte jiný.
slot-problem-not_offered = Vybraný čas je mimo otevírací dobu nebo se pro tuto službu nenabízí. Vyberte jeden z volných časů.
step-cancel_voucher = Zrušit voucher v Termino
step-confirm_voucher_cancelled = Počkat, až Termino zrušení potvrdí
step-cancel_reservio = Zrušit rezervaci v Reservio (nikdy ji nemazat)
step-verify_cancelled = Ověřit, že ji oba systémy ukazují jako zrušenou
step-check_slot = Ověřit, že je nový čas v Reservio volný
step-apply_time = Změnit čas v systému, kde rezervace vznikla
step-await_propagation = Počkat, až druhý systém ukáže nový čas
step-verify_time = Ověřit, že oba systémy ukazují nový čas
step-reissue_voucher = Zrušit voucher a vydat nový na novou službu
step-cancel_old_reservio = Zrušit původní rezervaci v Reservio (nikdy ji nemazat)
step-create_new_booking = Zarezervovat nový voucher
step-await_new_booking = Počkat, až nová rezervace bude v obou systémech
step-verify_new_booking = Ověřit novou rezervaci v obou systémech
step-open_case = Otevřít případ Partner Care
step-skip-no_termino = rezervace není v Termino
step-skip-voucher_cancelled = voucher už je zrušený
step-skip-no_reservio = rezervace není v Reservio
step-skip-reservio_cancelled = Reservio ji už ukazuje jako zrušenou
step-skip-unknown = u této rezervace není potřeba
step-state-pending = Čeká na řadu
step-state-running = Probíhá
step-state-waiting = Čeká
step-state-done = Hotovo
step-state-skipped = Přeskočeno
step-state-failed = Selhalo
step-state-not-done = Neprovedeno
procedure-kind-unknown = Postup
procedure-step-unknown = Krok, který tato verze nezná
procedure-state-pending = Čeká na spuštění
procedure-state-running = Probíhá
procedure-state-waiting = Čeká na systém
procedure-state-failed = Zastaveno
procedure-state-completed = Dokončeno
procedure-state-abandoned = Ukončeno
procedure-started-at = Spuštěno
procedure-started-by = Spustil(a)
procedure-finished-at = Skončilo
procedure-case = Případ Partner Care
procedure-params-reason = Důvod
procedure-params-new-time = Nový čas
procedure-params-new-service = Nová služba
procedure-params-proposal = Návrh
procedure-steps = Kroky
procedure-live = Dokud postup běží, tato stránka se obnovuje sama.
procedure-waiting = Čeká se na druhý systém.
procedure-waiting-confirm_voucher_cancelled = Čeká se, až Termino potvrdí zrušení voucheru.
procedure-waiting-await_propagation = Čeká se, až nový čas dorazí do druhého systému.
procedure-waiting-await_new_booking = Čeká se, až se nová rezervace objeví v obou systémech.
procedure-retrying = Systém neodpověděl; tento krok se brzy zkusí znovu.
procedure-step-failed = Tento krok selhal:
procedure-error = Postup se zastavil:
procedure-failed-help = Až bude příčina odstraněna, zopakujte postup od kroku, který selhal — nebo ho ukončete.
procedure-retry = Zopakovat od tohoto kroku
procedure-abandon = Ukončit postup…
procedure-completed = Hotovo: postup byl dokončen.
procedure-check-cancel = Oba systémy byly zkontrolovány: Reservio i Termino ukazují rezervaci jako zrušenou.
procedure-check-reschedule = Oba systémy byly zkontrolovány: Reservio i Termino ukazují nový čas, potvrzenou rezervaci a stejnou službu.
procedure-check-change_service = Oba systémy byly zkontrolovány: Reservio ukazuje původní rezervaci jako zrušenou a nová rezervace na novou službu je v Reservio i v Termino.
procedure-check-escalate = Partner Care vaši žádost přijal a ozve se vám. Dokud nerozhodne, rezervace platí: zákazník přijde.
procedure-opened-case = Případ Partner Care č. { $value }
procedure-abandoned = Postup byl ukončen. Nic z toho, co už proběhlo, se nevrátilo zpět.
procedure-retried = Postup pokračuje od kroku, který selhal.
procedure-refused-retry = Zopakovat lze jen zastavený postup a tento zastavený není.
procedure-refused-abandon = Tento postup teď nelze ukončit: už skončil, nebo právě probíhá některý jeho krok. Zkuste to za chvíli znovu.
procedure-abandon-title = Ukončit tento postup?
procedure-abandon-lead = Ukončení zastaví postup tam, kde právě je. Nic z toho, co už proběhlo, se nevrátí zpět: hotové kroky zůstanou hotové v obou systémech.
procedure-abandon-done = Už hotovo:
procedure-abandon-none-done = Zatím neproběhl žádný krok.
procedure-abandon-understood = Rozumím, že nic z toho, co už proběhlo, se nevrátí zpět.
procedure-abandon-required = Potvrďte to zaškrtnutím políčka.
procedure-abandon-confirm = Ukončit postup
procedure-abandon-keep = ← Ponechat a vrátit se
procedure-abandoned-flash = Postup byl ukončen.
mismatch-procedure_failed = Postup zastaven
mismatch-procedure_failed-help = Postup s průvodcem se zastavil na jednom ze svých kroků, takže rezervace může být změněná jen zčásti. Otevřete postup a zopakujte krok, nebo postup ukončete.
care-open-booking = Otevřít rezervaci
care-open-procedure = Otevřít zastavený postup
case-act-title = Vyřešit úpravou rezervace
case-act-lead = Zrušte nebo přesuňte rezervaci postupem s průvodcem; případ se vyřeší, jakmile postup skončí.
case-act-cancel = Zrušit rezervaci
case-act-reschedule = Přesunout rezervaci
timeline-link_superseded = Nahrazeno novou rezervací na jinou službu
timeline-procedure_started = Spuštěn postup: { $value }
timeline-procedure_completed = Dokončen postup: { $value }
timeline-procedure_step_done = Hotový krok: { $value }
timeline-procedure_step_skipped = Přeskočený krok: { $value }
timeline-procedure_step_waiting = Čekání u kroku: { $value }
timeline-procedure_step_retry = Systém neodpověděl u kroku: { $value }; zkusí se znovu
timeline-procedure_failed = Postup se zastavil u kroku: { $value }
timeline-procedure_retried = Zastavený postup byl znovu spuštěn
timeline-procedure_abandoned = Postup byl ukončen
timeline-case_opened = Byl otevřen případ Partner Care
timeline-case_resolved = Případ Partner Care byl vyřešen

# integrity
procedure-connection-ended = Propojení této rezervace se už nesynchronizuje (bylo odpojeno nebo pozastaveno), takže postup nemůže pokračovat ani být zopakován. Ukončete ho; nic z toho, co už bylo provedeno, se nevrátí.
procedure-refused-connection_ended = Propojení této rezervace se už nesynchronizuje (bylo odpojeno nebo pozastaveno), takže pro ni zde nelze zahájit žádný postup.
timeline-push_found_existing = Rezervace už v systému { $value } byla; byla propojena, místo aby vznikla podruhé
timeline-link_merged = Spojeno s propojením, které už drželo druhou stranu této rezervace

## Potvrzovací e-maily po postupu (pravidlo 6 FAQ)
mail-subject-cancel = Rezervace zrušena: voucher { $voucher }, { $customer }
mail-body-cancel =
    { $steps }
    bookbridge pak přečetl oba systémy: v obou je rezervace zrušená (rezervace bookbridge č. { $booking }). Už není co kontrolovat.
mail-subject-reschedule = Rezervace přesunuta: voucher { $voucher }, { $customer }
mail-body-reschedule =
    Rezervace zákazníka { $customer } s voucherem { $voucher } byla přesunuta na nový čas a oba systémy ho už ukazují (rezervace bookbridge č. { $booking }).
    Tento e-mail potvrzuje, co kanál udělal v Termino. Zkontrolujte prosím, že Reservio ukazuje totéž.
mail-subject-change_service = Změna služby: voucher { $voucher }, { $customer }
mail-body-change_service =
    Kanál zrušil voucher { $voucher } zákazníka { $customer } a vydal nový voucher na novou službu; původní rezervace byla zrušena v Reservio a nový voucher byl zarezervován (rezervace bookbridge č. { $booking }).
    Tento e-mail potvrzuje, co kanál udělal v Termino. Zkontrolujte prosím, že Reservio ukazuje totéž.
mail-subject-escalate = Předáno Partner Care: voucher { $voucher }, { $customer }
mail-body-escalate =
    Partner Care přijal vaši žádost k rezervaci zákazníka { $customer } s voucherem { $voucher } (rezervace bookbridge č. { $booking }). Dokud ji Partner Care nevyřeší, rezervace platí a zákazník přijde.
    Tento e-mail potvrzuje, co kanál udělal v Termino. Zkontrolujte prosím, že Reservio ukazuje totéž.

# edge
error-request-timeout = Požadavek přicházel příliš dlouho. Zkuste to prosím znovu.
# listing
listing-health-title = Stav připojení
listing-alarm = { $system } najednou ukazuje o { $count } { $count ->
    [one] rezervaci
    [few] rezervace
   *[other] rezervací
} méně — zkontrolujte připojení.
listing-alarm-confirm = Rezervace opravdu zmizely
listing-alarm-confirmed = Alarm potvrzen: příští kontrola označí chybějící rezervace jako smazané.
listing-alarm-confirmed-note = Potvrzeno: příští kontrola je označí jako smazané.
listing-alarm-refused = Tento alarm už není otevřený; nic se nezměnilo.
listing-unreadable = { $system }: { $count ->
    [one] { $count } rezervaci
    [few] { $count } rezervace
   *[other] { $count } rezervací
} se nepodařilo přečíst (od { $since }): { $cause }
timeline-push_unverified = Změna byla odeslána do systému { $value }, ale nepodařilo se ji přečíst zpět; ověří se při příští čitelné kontrole
# in-flight
# Změna na cestě, opožděná nebo nedoručená: jeden stav a jedna zpráva u rezervace; kdo
# rezervaci přesunul; potvrzení zrušení podle kroků, které opravdu proběhly.
booking-inflight-crossing-title = Změna termínu je na cestě
booking-inflight-overdue-title = Změna termínu má zpoždění
booking-inflight-undelivered-title = Změna nedoručena
booking-inflight-towards-reservio = systému Reservio
booking-inflight-towards-termino = systému Termino
booking-inflight-towards-other = druhého systému
booking-inflight-crossing = Nový čas se přenáší do { $system } od { $since } ({ $elapsed }). Kanál slibuje, že to potrvá asi { $promise }.
booking-inflight-overdue = Nový čas se přenáší do { $system } od { $since } ({ $elapsed }) — déle, než kanál slibuje ({ $promise }). Zkontrolujte oba systémy; rezervace je označena jako nesrovnalost v čase.
booking-inflight-undelivered-retrying = Systém { $system } neodpověděl, takže tam změna provedena nebyla. bookbridge ji sám pošle znovu { $next }, a hned, jakmile { $system } znovu odpoví. Můžete ji také poslat znovu hned teď.
booking-inflight-undelivered-refused = Systém { $system } změnu odmítl, takže tam provedena nebyla a bookbridge ji sám znovu neposílá. Zkontrolujte rezervaci v obou systémech; až bude příčina odstraněna, pošlete ji znovu — nebo požádejte o pomoc Partner Care.
booking-inflight-undelivered-sending = Změna se právě znovu posílá do systému { $system }; výsledek uvidíte na této stránce při příštím obnovení.
booking-send-again = Poslat znovu hned
booking-send-again-queued = Změna půjde do druhého systému znovu během několika sekund.
booking-send-again-nothing = Není žádná nedoručená změna, kterou by šlo poslat znovu.
bookings-overdue-short = { $count ->
    [one] opožděná: na cestě { $count } minutu
    [few] opožděná: na cestě { $count } minuty
   *[other] opožděná: na cestě { $count } minut
}
bookings-crossing = Změna na cestě
bookings-overdue = Změna má zpoždění
timeline-push_requeued = Nedoručená změna byla znovu odeslána do systému { $value }
timeline-booking_moved_by_customer = Zákazník rezervaci přesunul ze svého účtu Slevomat: { $from } → { $to }
timeline-booking_moved = Přesunuto v systému { $system }: { $from } → { $to }
audit-what = Co se stalo
mail-cancel-voucher-done = Kanál zrušil v Termino voucher { $voucher } zákazníka { $customer }.
mail-cancel-voucher-already = Voucher { $voucher } zákazníka { $customer } už byl v Termino zrušen; nic se tam neměnilo.
mail-cancel-voucher-none = Rezervace zákazníka { $customer } nemá v Termino žádnou rezervaci.
mail-cancel-reservio-done = bookbridge zrušil rezervaci v Reservio (nesmazal ji).
mail-cancel-reservio-already = Rezervace už byla v Reservio zrušená; nic se tam neměnilo.
mail-cancel-reservio-none = V Reservio pro ni žádná rezervace není.
# audit-key
audit-key-id = Podpisový klíč
audit-entry-after-break = Tento záznam následuje po přerušení auditního řetězce (u záznamu { $value }): řetězec za něj nemůže ručit.
audit-problems-more = { $count ->
    [one] a ještě { $count } problém (příkaz `bookbridge audit verify` vypíše všechny)
    [few] a ještě { $count } problémy (příkaz `bookbridge audit verify` vypíše všechny)
    [many] a ještě { $count } problému (příkaz `bookbridge audit verify` vypíše všechny)
   *[other] a ještě { $count } problémů (příkaz `bookbridge audit verify` vypíše všechny)
}
audit-problem-missing-one = Záznam { $value } chybí.
audit-problem-missing = Záznamy { $value } chybí.
audit-problem-unlinked = Záznam { $value } nenavazuje na předchozí záznam.
audit-problem-altered = Záznam { $value } byl změněn: jeho obsah neodpovídá podpisu.
audit-problem-unknown-key = Záznam { $value } je podepsán klíčem, který soubor klíčů neobsahuje.
audit-problem-legacy = Záznam { $value } není podepsán, ačkoli řetězec už byl klíčovaný.
audit-problem-checkpoint = Záznam { $value } není záznam, který zaznamenal podepsaný kontrolní bod.
audit-problem-head = Hlava řetězce neukazuje na jeho poslední záznam ({ $value }).
audit-problem-bad-checkpoint = Řádek { $value } souboru kontrolních bodů neprošel ověřením.
# accounts
error-password-common = Toto heslo patří mezi nejčastější uniklá hesla. Zvolte jiné — dobře poslouží několik nesouvisejících slov.
error-password-email = Heslo nesmí obsahovat vaši e-mailovou adresu.
error-password-product = Heslo nesmí obsahovat název produktu.
password-rules = Alespoň 10 znaků. Nesmí jít o běžné heslo ani obsahovat vaši e-mailovou adresu či název produktu. Dobře poslouží několik nesouvisejících slov.
error-current-password = Toto není vaše současné heslo.
error-current-password-throttled = Příliš mnoho chybných hesel. Zkuste to znovu za 15 minut.
error-password-mismatch = Zadaná hesla se neshodují.
error-timezone-unknown = Neznámé časové pásmo. Zadejte název, např. Europe/Prague, nebo pole nechte prázdné.
login-forgot = Zapomněli jste heslo?
second-factor-title = Druhý krok: kód
second-factor-code = Kód z ověřovací aplikace
second-factor-code-help = Šest číslic; každých 30 sekund nový kód.
second-factor-use-recovery = Ztratili jste telefon? Použijte záchranný kód
second-factor-recovery-code = Záchranný kód
second-factor-submit = Pokračovat
second-factor-wrong = Kód není správný. Zkontrolujte hodiny v ověřovací aplikaci a zadejte nejnovější kód.
second-factor-throttled = Příliš mnoho chybných kódů. Z bezpečnostních důvodů je druhý krok na 15 minut pozastaven; zkuste to později.
enrol-title = Nastavte si ověřovací aplikaci
enrol-required = Vaše role vyžaduje druhý faktor: pro pokračování si nastavte ověřovací aplikaci.
enrol-lead = Naskenujte QR kód ověřovací aplikací (jakoukoli, která podporuje TOTP) a zadejte kód, který zobrazí.
enrol-qr-label = QR kód pro ověřovací aplikaci
enrol-secret = Nemůžete ho naskenovat? Zadejte místo toho tento klíč:
enrol-submit = Zapnout
recovery-codes-title = Vaše záchranné kódy
recovery-codes-lead = Každý kód vás jednou pustí dovnitř, pokud ztratíte telefon. Uložte si je hned na bezpečné místo: zobrazují se jen tentokrát.
recovery-codes-continue = Mám je uložené — pokračovat
account-title = Váš účet
account-password = Heslo
account-current-password = Současné heslo
account-new-password = Nové heslo
account-confirm-password = Nové heslo znovu
account-password-submit = Změnit heslo
account-password-note = Změnou hesla se odhlásíte na všech ostatních zařízeních.
account-password-changed = Heslo bylo změněno a ostatní relace byly odhlášeny.
account-preferences = Jazyk a časové pásmo
account-timezone = Časové pásmo
account-timezone-help = Nechte prázdné, chcete-li časové pásmo partnera (zaměstnanci: Europe/Prague).
account-preferences-submit = Uložit
account-preferences-saved = Nastavení bylo uloženo.
account-second-factor = Druhý faktor
account-second-factor-on = Zapnuto
account-recovery-codes-left = { $count ->
    [one] Zbývá jeden záchranný kód.
    [few] Zbývají { $count } záchranné kódy.
   *[other] Zbývá { $count } záchranných kódů.
}
account-second-factor-offer = Chraňte svůj účet nejen heslem, ale i kódem z ověřovací aplikace.
account-second-factor-enrol = Nastavit ověřovací aplikaci
account-sessions = Kde jste přihlášeni
account-session-device = Zařízení
account-session-address = Adresa
account-session-last-seen = Naposledy aktivní
account-session-this = Tato relace
account-session-end = Odhlásit
account-session-ended = Relace byla odhlášena.
account-sessions-end-others = Odhlásit všude jinde
account-sessions-ended = Ostatní relace byly odhlášeny.
set-password-for = Zvolte heslo pro { $value }.
set-password-submit = Uložit heslo
invitation-title = Vítejte v bookbridge
invitation-accepted = Heslo je nastavené. Nyní se můžete přihlásit.
reset-title = Zvolte nové heslo
reset-done = Heslo bylo změněno a všechny relace byly odhlášeny. Přihlaste se novým heslem.
link-invalid-title = Tento odkaz už neplatí
link-invalid-text = Odkaz už byl použit, vypršel, nebo ho nahradil novější. Požádejte o nový.
forgot-title = Zapomenuté heslo
forgot-lead = Zadejte svou e-mailovou adresu a pošleme vám odkaz pro nastavení nového hesla.
forgot-submit = Poslat odkaz
forgot-sent = Pokud adresa patří k nějakému účtu, odkaz pro nastavení nového hesla je na cestě. Funguje jednou, 30 minut.
forgot-back = Zpět k přihlášení
forgot-throttled = Příliš mnoho žádostí. Zkuste to znovu za 15 minut.
mail-subject-invitation = Pozvánka do bookbridge
mail-body-invitation =
    V bookbridge pro vás byl založen účet pro adresu { $email }.
    Heslo si nastavte zde (odkaz funguje jednou, 72 hodin):
    { $link }
    Pokud jste tento e-mail nečekali, můžete ho ignorovat.
mail-subject-reset = Nastavte si nové heslo do bookbridge
mail-body-reset =
    Někdo požádal o obnovení hesla do bookbridge pro adresu { $email }.
    Nové heslo si nastavte zde (odkaz funguje jednou, 30 minut):
    { $link }
    Pokud jste to nebyli vy, e-mail ignorujte: vaše heslo zůstává beze změny.
users-invite-note = Nový uživatel dostane pozvánku e-mailem a sám si zvolí heslo a jazyk.
status-invited = Pozván
users-invitation-expires = odkaz platí do { $value }
users-second-factor = Druhý faktor
action-resend-invitation = Poslat pozvánku znovu
action-revoke-invitation = Zrušit pozvánku
action-reset-second-factor = Resetovat druhý faktor
confirm-reset-second-factor = Resetovat druhý faktor uživatele { $value }? Bude odhlášen a bude si ho muset nastavit znovu.
flash-user-invited = Uživateli { $value } byla odeslána pozvánka.
flash-invitation-resent = Uživateli { $value } byla odeslána nová pozvánka.
flash-invitation-revoked = Pozvánka pro { $value } byla zrušena.
flash-second-factor-reset = Druhý faktor uživatele { $value } byl resetován.
action-send-reset = Poslat odkaz pro obnovu hesla
flash-reset-sent = Uživateli { $value } byl odeslán odkaz pro nastavení nového hesla.

# daily
bookings-waiting-other-system = Čeká na druhý systém
booking-waiting-other-system = Tuto rezervaci zatím ukazuje jen jeden systém: čekáme na druhý.
booking-back-to-booking = ← Rezervace
case-booking = Rezervace
case-proposal = Co partner navrhuje
booking-cases = Případy pro Partner Care k této rezervaci
care-still-differs = Oba systémy se stále liší tak, jak bylo nahlášeno. Poznámka to nezmění: příští synchronizace nahlásí totéž znovu.
care-still-differs-fix = Zvýrazněný postup to napraví; a pokud je rozdíl záměrný, přijměte ho níže s uvedením důvodu.
care-accept-reason = Proč se tento rozdíl přijímá
care-accept-hint = Nebude se hlásit, dokud jeden ze systémů tuto rezervaci znovu nezmění.
care-action-accept = Přijmout tento rozdíl
care-done-accepted = Rozdíl u nesouladu { $value } je přijat; znovu se nahlásí, jen když se změní některá ze stran.
care-refused-still-differs = Nesoulad { $value } nelze vyřešit jen poznámkou: oba systémy se stále liší. Použijte postup, nebo rozdíl přijměte s uvedením důvodu.
procedure-refused-nothing_to_honour = Oba systémy ukazují tuto rezervaci jako zrušenou: zákazník nepřijde, takže není co dodržet ani s čím žádat Partner Care.
audit-entity-booking_link = Propojená rezervace
audit-entity-external_booking = Rezervace v systému
audit-entity-mismatch = Nesoulad
audit-entity-procedure = Postup
audit-entity-case = Případ pro Partner Care
audit-entity-user = Uživatel
audit-entity-connection = Propojení
audit-entity-push = Změna odeslaná do systému
audit-entity-partner = Partner
audit-entity-login = Přihlášení
audit-entity-logout = Odhlášení
audit-entity-email = E-mail
sales-length-differs = Délky se liší ({ $value }): kanál by prodával návštěvu jiné délky, než rezervuje kalendář.
home-no-connection = Zatím nemáte aktivní propojení, takže není co porovnávat. Nejdřív ho nastavte: požádejte o něj, pošlete jeho ID svému obchodnímu zástupci a pak ho ověřte.
home-set-up-connection = Nastavit propojení
connection-request-another = Propojit další kalendář Reservio
logout-done = Byli jste odhlášeni.
home-care-open = nesouladů k vyřízení
home-care-unassigned = zatím je nikdo nepřevzal
home-care-cases = otevřených případů pro Partner Care
home-care-cases-waiting = Čekající případy, nejdéle čekající první
home-sales-requested = Nové žádosti o propojení
home-sales-verifying = Čekající ověření
home-sales-problems = problémy nahlášené partnery
home-sales-none = Momentálně žádné.
partners-language = Jazyk
partners-language-reader = Vlastní jazyk každého čtenáře
partners-settings-save = Uložit
flash-partner-settings = Časové pásmo a jazyk partnera { $value } uloženy.

# reservio
reservio-profile-title = Co bookbridge zjistil ve vašem účtu Reservio
reservio-profile-token-ok = Reservio přijímá přístupový token.
reservio-profile-token-refused = Reservio odmítá přístupový token: požádejte Reservio o nový.
reservio-profile-timezone = Časové pásmo vaší provozovny v Reservio: { $zone }.
reservio-profile-resources = Zaměstnanci a místnosti v Reservio: { $names }.
reservio-profile-filter-honoured = Reservio vyhledává rezervace podle data termínu: každá kontrola čte jen nejbližší týdny.
reservio-profile-filter-misapplied = Reservio filtruje rezervace podle dne vytvoření, ne podle termínu: bookbridge čte nejdříve nejnovější rezervace — každá kontrola trvá déle.
reservio-profile-filter-ignored = Reservio nebere ohled na filtr data: bookbridge čte nejdříve nejnovější rezervace — každá kontrola trvá déle.
reservio-profile-filter-unknown = Váš kalendář Reservio zatím nemá žádné rezervace, takže bookbridge ještě nepozná, jak je filtruje; zkontroluje to znovu, až nějaké budou.
reservio-profile-include-honoured = Reservio posílá každou rezervaci i s termínem a zákazníkem.
reservio-profile-include-ignored = Reservio posílá rezervace bez termínu a zákazníka: bookbridge je čte jednu po druhé — každá kontrola trvá déle.

## Expiring credentials and observe mode
credentials-expired-banner = { $system } odmítl přístupové údaje tohoto připojení { $since }: bookbridge nic nezapisuje do žádného systému, dokud nebudou zadány nové. { $held ->
    [0] Žádná změna nečeká.
    [one] Čeká jedna změna; neztratí se.
    [few] Čekají { $held } změny; žádná se neztratí.
   *[other] Čeká { $held } změn; žádná se neztratí.
}
credentials-system-unknown = Systém
credentials-care-title = Odmítnuté přístupové údaje
credentials-care-where = Zadat nové přístupové údaje
credentials-title = Změnit přístupové údaje
credentials-intro = Zadejte API token Reservio, nebo partnerského OAuth klienta Reservio (ID klienta a tajný klíč). bookbridge je před uložením vyzkouší a uloží je zašifrované.
credentials-kind = Druh přístupových údajů
credentials-kind-token = API token Reservio
credentials-kind-oauth = OAuth klient Reservio
credentials-kind-termino = Token Termino
credentials-token = Token
credentials-client-id = ID klienta
credentials-client-secret = Tajný klíč klienta
credentials-submit = Vyzkoušet a uložit
credentials-done = Nové přístupové údaje fungují. Čekající změny se nyní odešlou.
credentials-error-missing = Zadejte token, nebo ID klienta a jeho tajný klíč, bez mezer.
credentials-error-client-id = ID klienta nesmí obsahovat dvojtečku.
credentials-error-refused = Systém tyto přístupové údaje odmítl; nic se nezměnilo.
mode-title = Pozorování, nebo ostrý provoz
mode-observe-badge = Režim pozorování: bookbridge čte a porovnává, ale nic nezapisuje
mode-live-badge = Ostrý provoz: bookbridge zapisuje změny do obou systémů
mode-observe-intro = bookbridge čte oba systémy, propojuje a porovnává rezervace a označuje, co nesouhlasí, ale v žádném systému nic nemění. Každá změna, kterou by udělal, se zaznamená jako „udělal by“ na stránkách rezervací a postupů. Až budou vypadat správně, přepněte na ostrý provoz.
mode-live-intro = bookbridge přenáší změny a provádí kroky postupů v obou systémech.
mode-changed = Naposledy přepnuto:
mode-go-live = Přepnout na ostrý provoz
mode-go-observe = Přepnout do režimu pozorování
mode-done-observe = Připojení pozoruje: do žádného systému se nic nezapisuje, dokud nebude přepnuto na ostrý provoz.
mode-done-live = Připojení je v ostrém provozu: změny zaznamenané mezitím se nyní odešlou.
mode-error-unknown = Zvolte režim pozorování, nebo ostrý provoz.
procedure-would-do = Režim pozorování: bookbridge by nyní provedl tento krok a čeká, až bude připojení přepnuto na ostrý provoz.
procedure-held-credentials = Čeká na nové přístupové údaje: systém odmítl ty předchozí.
push-would-do = Udělal by (režim pozorování)
push-held-credentials = Čeká na nové přístupové údaje
push-held-title = Čekající změny
push-action-create = vytvořit rezervaci
push-action-update_time = přesunout rezervaci na nový termín
push-action-update_customer = aktualizovat údaje zákazníka
push-action-cancel = zrušit rezervaci
push-action-other = změnit rezervaci
procedure-move-by-hand = Reservio nedovoluje bookbridge přesouvat rezervace: přesuňte prosím tuto rezervaci na nový termín ve vlastním kalendáři Reservio. bookbridge Reservio průběžně kontroluje a nový termín přenese do kanálu, jakmile ho Reservio ukáže.

# people: partner users invite colleagues, the demo's mailbox, notices about one's account
mail-booking-time = Termín rezervace (ve vašem časovém pásmu): { $when }
mail-subject-password-changed = Vaše heslo do bookbridge bylo změněno
mail-body-password-changed =
    Heslo k účtu bookbridge { $email } bylo změněno { $when }.
    Pokud jste to byli vy, nemusíte nic dělat.
    Pokud ne, hned si zde zvolte nové heslo a dejte vědět svému administrátorovi:
    { $link }
mail-subject-second-factor-enrolled = K vašemu účtu bookbridge byl nastaven druhý faktor
mail-body-second-factor-enrolled =
    K účtu bookbridge { $email } byl { $when } nastaven druhý faktor (ověřovací aplikace).
    Pokud jste to byli vy, nemusíte nic dělat.
    Pokud ne, hned si zde zvolte nové heslo a dejte vědět svému administrátorovi:
    { $link }
mail-subject-second-factor-removed = Druhý faktor vašeho účtu bookbridge byl odebrán
mail-body-second-factor-removed =
    Administrátor { $when } odebral druhý faktor účtu bookbridge { $email }; nový si nastavíte při příštím přihlášení.
    Pokud jste o to nežádali, dejte vědět svému administrátorovi a zvolte si zde nové heslo:
    { $link }
nav-mailbox = Schránka dema
mailbox-title = Schránka dema
mailbox-lead = Demo neposílá e-maily: pozvánky, odkazy k heslu a oznámení o účtech čekají tady, abyste je mohli otevřít. Tuto stránku má jen demo.
mailbox-empty = Nečeká žádný e-mail.
mailbox-open-link = Otevřít odkaz
nav-team = Kolegové
team-title = Kolegové
team-lead = Všichni, kdo v bookbridge pracují pro vaši firmu.
team-invite = Pozvat kolegu
team-invite-submit = Poslat pozvánku
team-invite-off = Kolegy může přidávat jen administrátor. Požádejte ho o přidání nebo o to, abyste mohli kolegy zvát sami.
partners-colleague-invitations-on = Povoleno
action-colleague-invitations-on = Povolit
action-colleague-invitations-off = Zakázat
flash-colleague-invitations-on = Uživatelé partnera { $value } teď mohou zvát kolegy.
flash-colleague-invitations-off = Uživatelé partnera { $value } už nemohou zvát kolegy.
partners-colleague-invitations = Uživatelé zvou kolegy
partners-colleague-invitations-off = Nepovoleno
filters-toggle = Filtry
