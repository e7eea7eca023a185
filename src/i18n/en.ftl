# bookbridge — English catalogue. Keys are shared by all catalogues; keep them in step.

## Page chrome
skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
nav-bookings = Bookings
nav-mismatches = Mismatch queue
nav-connections = Connections
nav-users = Users
nav-partners = Partners
nav-audit = Audit trail
logout = Log out
language-label = Language
language-apply = Change

## Login
login-title = Log in
login-email = E-mail
login-password = Password
login-submit = Log in
login-failed = The e-mail or password is not right.
login-throttled = Too many failed attempts. For your safety, logging in is paused for 15 minutes; try again later.

## Home
home-title = Home
home-partner-of = You work for { $value }.
home-intro-partner = Your linked bookings from Reservio and Termino, side by side, with every mismatch flagged.
home-intro-partner_care = The queue of flagged mismatches and escalations across all partners.
home-intro-sales_rep = New connections to confirm and services to map.
home-intro-admin = Users and partners of bookbridge.

## Workspaces
bookings-title = Bookings
bookings-coming = Your linked bookings will be listed here once the first connection is live.
mismatches-title = Mismatch queue
mismatches-coming = No mismatches to work on yet: they appear here as soon as sync finds one.
connections-title = Connections
connections-coming = Connections waiting for mapping or verification will be listed here.

## Roles and states
role-partner = Partner
role-partner_care = Partner Care
role-sales_rep = Sales rep
role-admin = Administrator
role-unknown = Unknown role
status-active = Active
status-disabled = Disabled
action-enable = Enable
action-disable = Disable

## Admin: users
users-title = Users
users-email = E-mail
users-role = Role
users-partner = Partner
users-no-partner = — none (staff) —
users-status = Status
users-actions = Actions
users-password = Password
users-add = Add a user
users-add-submit = Add user
confirm-disable-user = Disable { $value }? They will be logged out at once.
flash-user-created = User { $value } added.
flash-user-disabled = User { $value } disabled and logged out.
flash-user-enabled = User { $value } enabled.
flash-cannot-disable-self = You cannot disable your own account.

## Admin: partners
partners-title = Partners
partners-name = Name
partners-timezone = Time zone
partners-empty = No partners yet. Add the first one below.
partners-add = Add a partner
partners-add-submit = Add partner
confirm-disable-partner = Disable { $value }?
flash-partner-created = Partner { $value } added.
flash-partner-disabled = Partner { $value } disabled.
flash-partner-enabled = Partner { $value } enabled.

## Form errors
error-email-invalid = Enter an e-mail address like name@example.com.
error-email-taken = A user with this e-mail exists already.
error-role-unknown = Choose one of the roles.
error-password-short = The password needs at least 10 characters.
error-password-long = The password may have at most 256 characters.
error-partner-required = A partner user must belong to a partner.
error-partner-unknown = Choose a partner from the list.
error-partner-staff = Only partner users belong to a partner; leave it empty for staff.
error-partner-name-empty = Enter the partner's name.
error-partner-name-long = The name may have at most 120 characters.
error-partner-name-taken = A partner with this name exists already.
error-language-unknown = That language is not available.

## Error pages
error-status = Status
error-back-home = Back to the home page
error-not-found = This page does not exist, or you may not see it.
error-forbidden = You are not allowed to see this page.
error-unauthenticated = Please log in first.
error-csrf = The form expired or did not come from this site. Reload the page and try again.
error-too-large = The request is too large.
error-form-malformed = The form could not be read. Reload the page and try again.
error-query-malformed = The address contains a value that could not be read.
error-method = This address does not accept that kind of request.
error-internal = Sorry, something went wrong on our side. It has been logged; please try again in a moment.

## Audit
audit-title = Audit trail
audit-empty = Nothing recorded yet.
audit-when = When
audit-actor = Who
audit-action = Action
audit-entity = Entity
audit-before = Before
audit-after = After
audit-request = Request
audit-hash = Hash
audit-back = Back to the audit trail
audit-entry-title = Audit entry
audit-chain-intact = { $count ->
    [one] Chain verified: { $count } entry, none altered or missing.
   *[other] Chain verified: { $count } entries, none altered or missing.
}
audit-chain-broken = The chain is broken at entry { $value }

## Paging
pager-label = Pages
pager-previous = Previous
pager-next = Next
pager-older = Older entries

## Dates: short month names
month-jan = Jan
month-feb = Feb
month-mar = Mar
month-apr = Apr
month-may = May
month-jun = Jun
month-jul = Jul
month-aug = Aug
month-sep = Sep
month-oct = Oct
month-nov = Nov
month-dec = Dec
