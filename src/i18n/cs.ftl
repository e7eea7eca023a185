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
bookings-coming = Vaše propojené rezervace se zde zobrazí, jakmile bude aktivní první propojení.
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
users-password = Heslo
users-add = Přidat uživatele
users-add-submit = Přidat uživatele
confirm-disable-user = Deaktivovat { $value }? Uživatel bude okamžitě odhlášen.
flash-user-created = Uživatel { $value } byl přidán.
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
