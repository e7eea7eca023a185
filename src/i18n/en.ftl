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
users-add = Add a user
users-add-submit = Add user
confirm-disable-user = Disable { $value }? They will be logged out at once.
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

## Mismatches: names and what they mean (shared by every page that shows them)
mismatch-missing_in_reservio = Missing in Reservio
mismatch-missing_in_reservio-help = The booking is in Termino but not in your Reservio calendar. The customer has a voucher and will come. bookbridge copies such bookings into Reservio by itself; if it is still missing, the channel's offer is probably not mapped to one of your services. Add the booking in Reservio, or ask your sales rep to map the offer.
mismatch-missing_in_termino = Missing in Termino
mismatch-missing_in_termino-help = The booking is in your Reservio calendar but Termino has no reservation for it. Every Termino reservation belongs to a voucher: check the voucher code and that the service is mapped, and contact Partner Care if you are unsure.
mismatch-status_differs = Status differs
mismatch-status_differs-help = One system shows the booking cancelled and the other does not. A cancellation never copies over by itself. Cancel in both systems — the voucher first: Partner Care cancels it in Termino, and once that is confirmed you cancel the booking in Reservio. Then check both. Never delete a booking (FAQ rule 2).
mismatch-time_differs = Time differs
mismatch-time_differs-help = The two systems show different times, and the change did not cross over within the hour the channel promises. Agree the slot with the customer and change it in one system only — preferably the one where the booking was made — and it will copy over (FAQ rule 3).
mismatch-service_differs = Service differs
mismatch-service_differs-help = The two systems show different services. A change of service goes through the channel: it cancels the original voucher and issues a new one for the chosen service; you then cancel (never delete) the original booking in Reservio, and the new voucher gets its own booking (FAQ rule 5).
mismatch-rejected_without_care = Rejected without Partner Care
mismatch-rejected_without_care-help = The booking was rejected in Reservio, but Partner Care was not told. It still counts: the customer will come. If you cannot honour the booking, contact Partner Care at once (FAQ rule 4).
mismatch-unanswered = Waiting for your answer
mismatch-unanswered-help = The booking still waits for your confirmation. An unanswered booking still counts: the customer will come. Confirm it, or contact Partner Care at once if you cannot honour it (FAQ rule 4).
mismatch-deleted_remotely = Deleted in one system
mismatch-deleted_remotely-help = The booking disappeared from one of the systems. Bookings must never be deleted, in either system, for any reason (FAQ rule 2). Contact Partner Care so the customer is not left without an appointment.
mismatch-customer_differs = Customer details differ
mismatch-customer_differs-help = The customer's name, e-mail or phone differ between the systems and the change did not copy over. Correct them in the system where the booking was made; bookbridge copies the change to the other one.
mismatch-push_failed = Change not delivered
mismatch-push_failed-help = bookbridge could not deliver a change to the other system after several tries. If that system did not answer, bookbridge keeps sending it again at a slow pace, and at once when the system answers again; if the system refused it, it is not sent again by itself. The booking's page says which, and when the next try is, and offers to send it again now.
mismatch-conflict = Changed in both systems
mismatch-conflict-help = Both systems were changed differently since they last agreed, so bookbridge changed neither. Agree with the customer which version is right and change the booking in one system only (FAQ rule 3).
mismatch-unknown = Other mismatch
mismatch-unknown-help = The two systems disagree in a way this page cannot describe yet. Compare both sides below, and contact Partner Care if you are unsure what to do.
severity-low = Low
severity-medium = Medium
severity-high = High
severity-critical = Critical

## Booking statuses and systems
booking-status-pending = Waiting for confirmation
booking-status-confirmed = Confirmed
booking-status-cancelled = Cancelled
booking-status-rejected = Rejected
booking-status-unknown = Unknown status
system-reservio = Reservio
system-termino = Termino

## Partner: bookings list
bookings-intro = Each linked booking with its Reservio side and its Termino side next to each other. Fields that differ are highlighted.
bookings-filter-label = Filter bookings
bookings-filter-from = From
bookings-filter-to = To
bookings-filter-text = Search
bookings-filter-text-help = Voucher code, customer name, e-mail or phone.
bookings-filter-kind = Mismatch
bookings-filter-kind-any = Any or none
bookings-filter-status = Status in either system
bookings-filter-status-any = Any status
bookings-filter-sort = Sort by
bookings-filter-only-mismatches = Only bookings with a mismatch
bookings-filter-apply = Show
bookings-filter-reset = Reset filters
bookings-sort-time = Time, earliest first
bookings-sort-time_desc = Time, latest first
bookings-sort-changed = Recently changed
bookings-sort-severity = Most severe mismatch first
bookings-loading = Loading…
bookings-live = The list updates itself while sync brings changes.
bookings-csv = Download as CSV
bookings-summary = { $total ->
    [one] { $first }–{ $last } of { $total } booking
   *[other] { $first }–{ $last } of { $total } bookings
}
bookings-summary-more = { $first }–{ $last } of more than { $total } bookings
bookings-page = Page { $count }
bookings-empty = No linked bookings from today on. They appear here as soon as sync links them.
bookings-empty-filtered = No bookings match these filters.
bookings-empty-page = This page is past the end of the list.
bookings-first-page = Go to the first page
bookings-caption = Linked bookings, Reservio and Termino side by side
bookings-col-booking = Voucher
bookings-col-time = Time
bookings-col-service = Service
bookings-col-customer = Customer
bookings-col-status = Status
bookings-col-mismatches = Mismatches
bookings-side-absent = not in this system
bookings-side-vanished = deleted
bookings-service-unmapped = { $value } (not mapped)
bookings-in-agreement = In agreement
bookings-pending-short = { $count ->
    [one] change on its way for { $count } minute
   *[other] change on its way for { $count } minutes
}

## Partner: one booking
booking-back = ← All bookings
booking-heading = Booking { $value }
booking-linked-at = Linked on { $value }
booking-origin = made in { $value }
booking-superseded = This booking was replaced after a change of service.
booking-superseded-link = Open the booking that replaced it
booking-attention = What needs attention
booking-all-agree = Both systems agree on this booking.
booking-differs-unflagged = No mismatch is flagged. The highlighted fields differ because a change is still being copied to the other system; sync flags it if it does not arrive in time.
booking-flagged-at = Flagged on { $value }
booking-sides = Both systems, field by field
booking-field = Field
booking-base = Last agreed
booking-no-base = The two systems have not agreed on this booking yet, so there is no agreed state to compare with.
booking-field-time = Date and time
booking-field-service = Service
booking-field-name = Customer
booking-field-email = E-mail
booking-field-phone = Phone
booking-field-status = Status
booking-field-external-id = Booking number in the system
booking-field-fetched = Last read
booking-field-vanished = Gone from the system
booking-procedures = What you can do
booking-procedures-note = Each procedure shows its steps before it starts, then carries them out in order and records every one in the history below.
booking-procedure-cancel = Cancel in both systems
booking-procedure-reschedule = Move to another time
booking-procedure-change_service = Change the service
booking-procedure-escalate = Ask Partner Care for help
booking-timeline = Timeline
booking-timeline-empty = Nothing has been recorded for this booking yet.
booking-audit-entry = Audit entry { $value }
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
timeline-actor-sync = bookbridge sync
timeline-actor-system = bookbridge
timeline-booking_seen = The booking was read from { $value }
timeline-booking_changed = The booking changed in { $value }
timeline-booking_vanished = The booking disappeared from { $value }
timeline-link_created = Linked, starting from the booking in { $value }
timeline-link_completed = The matching booking in { $value } was found and linked
timeline-link_agreed = Both systems agree again
timeline-push_enqueued = A change was queued for { $value }
timeline-push_applied = The change was made in { $value }
timeline-push_retry = Sending the change to { $value } failed; it will be tried again
timeline-push_failed = Sending the change to { $value } failed after every quick try: not delivered
timeline-mismatch_opened = Mismatch flagged: { $value }
timeline-mismatch_resolved = Mismatch resolved: { $value }

## Partner: CSV export (column headers)
csv-link = Link
csv-voucher = Voucher code
csv-start = Start ({ $value })
csv-end = End ({ $value })
csv-service = Service
csv-customer = Customer
csv-email = E-mail
csv-phone = Phone
csv-status = Status
csv-mismatches = Open mismatches
csv-change-pending-since = Change on its way since

## Partner: home
home-open-mismatches = Open mismatches
home-open-none = Nothing to fix: every linked booking agrees in both systems.
home-open-total = { $count ->
    [one] { $count } open mismatch, by kind:
   *[other] { $count } open mismatches, by kind:
}
home-today = Today
home-tomorrow = Tomorrow
home-day-empty = No bookings.
home-day-all = { $count ->
    [one] See the { $count } booking in the list
   *[other] See all { $count } bookings in the list
}
home-chart-title = Mismatches over the last 30 days
home-chart-opened = Opened
home-chart-resolved = Resolved
home-chart-desc = Bars per day: mismatches opened and mismatches resolved.
home-chart-opened-on = { $count ->
    [one] { $count } opened
   *[other] { $count } opened
}
home-chart-resolved-on = { $count ->
    [one] { $count } resolved
   *[other] { $count } resolved
}
home-chart-empty = No mismatches were opened or resolved in the last 30 days.
home-chart-table = Show the figures as a table
home-chart-day = Day

## Navigation and loading (dashboard)
nav-connection = Connection
nav-cases = Cases
loading = Loading…

## Partner Care: the mismatch queue
care-cases-link = Cases escalated to Partner Care →
care-health-title = Sync health per partner
care-health-empty = No partner has a connection yet.
care-partner = Partner
care-health-agreement = Links in agreement
care-health-links = { $count ->
    [one] of { $count } link
   *[other] of { $count } links
}
care-health-open = Open mismatches
care-health-oldest = Oldest open mismatch
care-health-failed = Failed pushes
care-filter-kind = Kind
care-filter-all = All
care-filter-severity = Severity
care-filter-age = Age
care-filter-any-age = Any age
care-age-1h = Older than an hour
care-age-1d = Older than a day
care-age-7d = Older than a week
care-filter-assignee = Assignee
care-filter-anyone = Anyone
care-filter-me = Me
care-filter-nobody = Nobody yet
care-filter-state = State
care-filter-unresolved = Open and acknowledged
care-filter-apply = Apply filters
care-state-open = Open
care-state-acknowledged = Acknowledged
care-state-resolved = Resolved
care-queue-count = { $count ->
    [one] { $count } mismatch to work on
   *[other] { $count } mismatches to work on
}
care-queue-empty-filtered = No mismatch matches these filters.
care-bulk-label = With the ticked rows:
care-action-acknowledge = Acknowledge
care-action-assign = Assign to me
care-action-open = Open
care-action-resolve = Resolve
care-select = Select
care-select-one = Select mismatch { $value }
care-mismatch = Mismatch
care-booking = Booking
care-detected = Detected
care-assignee = Assignee
care-assignee-you = You
care-unassigned = Unassigned
care-age-minutes = { $count ->
    [one] { $count } minute ago
   *[other] { $count } minutes ago
}
care-age-hours = { $count ->
    [one] { $count } hour ago
   *[other] { $count } hours ago
}
care-age-days = { $count ->
    [one] { $count } day ago
   *[other] { $count } days ago
}
care-done-assigned = Mismatch { $value } is now assigned to you.
care-done-acknowledged = Mismatch { $value } is acknowledged.
care-done-resolved = Mismatch { $value } is resolved.
care-refused-resolved = Mismatch { $value } is already resolved; nothing was changed.
care-refused-acknowledged = Mismatch { $value } is already acknowledged; nothing was changed.
care-refused-already-yours = Mismatch { $value } is already assigned to you.
care-refused-changed = Someone else changed mismatch { $value } meanwhile; it is shown as it is now.
care-bulk-acknowledged = Acknowledged: { $value }.
care-bulk-assigned = Assigned to you: { $value }.
care-bulk-skipped = Skipped because they were done or resolved meanwhile: { $value }.
care-bulk-none = Tick at least one mismatch first.

## Partner Care: one mismatch
care-back-to-queue = ← Mismatch queue
care-last-seen = Last seen
care-acknowledged = Acknowledged
care-resolved = Resolved
care-resolution-note = Resolution note
care-resolution-hint = Say what was done, for example: voucher cancelled, booking cancelled in Reservio, customer told. The partner reads it too.
care-work-title = Work on it
care-sides-title = The booking in both systems
care-sides-missing = The booking behind this mismatch could not be found.
care-history-title = Other mismatches of this booking
care-audit-link = Everything the audit trail holds about this mismatch
care-voucher = Voucher
care-differs = differs
care-link-has-case = A Partner Care case is open for this booking.

## Cases
cases-title = Cases
cases-empty = No cases here. Partners' escalations appear as soon as they are opened.
cases-back = ← All cases
cases-filter-unresolved = Open and in progress
case-kind = Kind
case-subject = About
case-opened = Opened
case-reason = What the partner wrote
case-outcome = Outcome
case-outcome-choose = Choose the outcome…
case-kind-connection_problem = Connection problem
case-kind-cannot_honour = Cannot honour a booking
case-kind-needs_help = Needs help
case-kind-unknown = Other case
case-state-open = Open
case-state-in_progress = In progress
case-state-resolved = Resolved
case-outcome-booking_kept = Booking kept: the customer will come
case-outcome-booking_cancelled = Booking cancelled in both systems
case-outcome-booking_moved = Booking moved to another time
case-outcome-connection_fixed = Connection set-up corrected
case-outcome-no_action_needed = Nothing needed doing
case-outcome-unknown = Other outcome
case-notes-title = Conversation
case-notes-empty = No messages yet.
case-note-label = Your message
case-note-submit = Send the message
case-decide-title = Decide the case
case-take = Take this case
case-resolve-note = A last word to the partner (optional)
case-resolve = Resolve the case
case-done-note = Your message was added to the conversation.
case-done-taken = You have taken the case.
case-done-resolved = The case is resolved.
case-refused-resolved = This case is already resolved; nothing was changed.
case-refused-taken = Someone has taken this case already, or it is resolved.

## Sales: connections
sales-lookup-title = Open a connection by its ID
sales-lookup-hint = The partner generates the connection ID on its Connection page and sends it to you.
sales-lookup-submit = Open
sales-error-code-unknown = No connection has this ID. Check it with the partner.
error-code-empty = Enter the connection ID.
error-code-invalid = A connection ID has only letters, digits and a dash, like K7QM4-XW9PD.
sales-list-problems = Reported a problem
sales-list-setup = Being mapped
sales-list-waiting = Waiting for the partner's verification
sales-list-live = Live
sales-last-step = Last step
sales-problems = Open problems
sales-back = ← All connections
sales-problems-title = Problems the partner reported
sales-account-title = The partner's channel account
sales-account-intro = The Termino partner account under which the channel sells this partner's vouchers.
sales-termino-token = Termino API token
sales-account-submit = Save the account
sales-sandbox-intro = Demo: create a sandbox channel account that sells this partner's services, with a few vouchers already booked.
sales-sandbox-submit = Use a sandbox channel account
sales-mapping-title = Map services to offers
sales-mapping-intro = Read live from both systems. For each of the partner's services, choose the channel offer that books it.
sales-service = Partner's service (Reservio)
sales-duration = Length
sales-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
sales-offer = Channel offer (Termino)
sales-offer-none = — not sold on the channel —
sales-mapping-submit = Save the mapping
sales-saved-mapping = Saved mapping
sales-no-services = The partner's calendar offers no services yet.
sales-confirm-intro = The mapping is saved. Confirm the connection to tell the partner: bookings start to copy over, and the partner checks them before going live.
sales-confirm-submit = Confirm the connection
sales-reopen-intro = If the partner reported a problem with the mapping, take it back to change it.
sales-reopen-submit = Change the mapping again
sales-done-account = The channel account is saved.
sales-done-mapped = The mapping is saved.
sales-done-confirmed = The connection is confirmed; the partner can verify it now.
sales-done-reopened = The mapping can be changed again.
sales-error-account-empty = Enter the Termino partner ID and its API token, without spaces.
sales-error-account-unreachable = Termino did not accept this partner ID and token.
sales-error-offer-unknown = This offer does not exist any more; choose again.
sales-error-offer-twice = This offer is already mapped to another service.
sales-error-map-one = Map at least one service.
sales-read-failed-reservio = The partner's services could not be read from Reservio. Try again in a moment.
sales-read-failed-termino = The channel's offers could not be read from Termino. Try again in a moment.
sales-systems-off = This installation is not connected to Reservio and Termino.
sales-refused-state = This connection has moved on meanwhile; the page shows it as it is now.

## Partner: connection
connection-title = Connection
connection-intro = Your connection between Reservio and the channel: request it, send its ID to your sales rep, then check that bookings copy over correctly before going live.
connection-code = Connection ID
connection-state = State
connection-state-requested = Requested
connection-state-mapped = Services mapped
connection-state-verifying = Being verified
connection-state-active = Live
connection-state-rejected = Rejected
connection-state-suspended = Suspended
connection-state-disconnected = Disconnected
connection-step-requested = Connection ID generated
connection-step-mapped = Services mapped by the channel
connection-step-verifying = Confirmed by the sales rep; verification started
connection-step-active = Verified and live
connection-send-code = Send this connection ID to your sales rep. The channel maps your services with it.
connection-mapping = Services as the channel mapped them
connection-cases = Reported problems
connection-back = ← Connection
connection-request-title = Request a connection
connection-request-intro = Enter your Reservio business ID and an API token from Reservio's settings. You get a connection ID to send to your sales rep.
connection-reservio-business = Reservio business ID
connection-reservio-token = Reservio API token
connection-termino-partner = Termino partner ID
connection-request-submit = Generate the connection ID
connection-sandbox-intro = Demo: create a sandbox Reservio calendar with three services and request the connection with it.
connection-sandbox-submit = Use a sandbox calendar
connection-error-business = Enter your Reservio business ID, without spaces.
connection-error-token = Enter the API token, without spaces.
connection-error-unreachable = Reservio did not accept this business ID and token. Check both and try again.
connection-refused-pending = A connection is being set up already; finish that one first.
connection-refused-state = This connection is not being verified any more; the page shows it as it is now.
connection-done-requested = Your connection ID is { $value }. Send it to your sales rep.
connection-done-live = The connection is live. Bookings now copy over both ways.
connection-done-problem = Partner Care has your report ({ $value }). The connection stays in verification until it is sorted out.

## Partner: verification report
verify-title = Verification report
verify-intro = Compare the sample below: bookings as both systems show them, and your calendar's free slots against what the channel has booked. Go live only when everything matches.
verify-open-report = Open the verification report
verify-go-live = Everything matches — go live
verify-problem-label = What does not match?
verify-report-problem = Report a problem
verify-all-match = Everything matches
verify-differences = { $count ->
    [one] { $count } difference to look at
   *[other] { $count } differences to look at
}
verify-links-agree = { $count ->
    [one] { $count } booking agrees
   *[other] { $count } bookings agree
}
verify-bookings-title = Bookings in both systems
verify-bookings-empty = No bookings have been copied yet. Sync runs every few seconds; reload the page in a moment.
verify-differences-col = Differences
verify-match = Matches
verify-diff-missing-reservio = Not in Reservio yet
verify-diff-missing-termino = Not in Termino
verify-diff-time = Different time
verify-diff-service = Service not mapped to this offer
verify-diff-status = Different status
verify-diff-customer = Different customer
verify-availability-title = Availability over the next three days
verify-free-in-reservio = Free in Reservio
verify-booked-in-termino = Booked on the channel
verify-issue-not-mapped = Not sold on the channel: no offer is mapped to this service.
verify-issue-duration = The offer and the service take different times: { $value }.
verify-issue-slot-free = Booked on the channel for { $value }, yet still free in Reservio.

## Notes and outcomes (form errors)
error-note-empty = Write a few words; this field cannot be empty.
error-note-long = Keep it under 2,000 characters.
error-outcome-required = Choose an outcome.

## Audit: filters and export
audit-action-hint = A whole action such as mismatch.resolved, or its first part such as mismatch.
audit-from = From
audit-to = To
audit-export = Download as CSV
audit-empty-filtered = No entries match these filters.
audit-csv-id = Entry
audit-csv-at = When (UTC)
audit-csv-entity-id = Entity ID
audit-csv-partner = Partner ID

## Outbox: confirmation e-mails to partners
nav-outbox = Outbox
outbox-title = Outbox
outbox-lead = Confirmation e-mails: each change the channel makes to a partner's booking is confirmed to every user of that partner.
outbox-held-demo = This demo does not send e-mail; messages are shown here instead.
outbox-held-no-smtp = E-mail sending is not set up on this server, so messages are kept here instead of being sent.
outbox-empty = No e-mails yet. A confirmation appears here as soon as the channel changes a booking.
outbox-count = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
outbox-created = Created
outbox-recipient = To
outbox-subject = Subject
outbox-state = State
outbox-message = Message
outbox-show-message = Show the message
email-state-pending = Waiting to be sent
email-state-sent = Sent
email-state-failed = Not delivered
email-state-held = Not sent, shown here only
email-state-unknown = Unknown state

## Guided procedures: start forms, progress, steps (FAQ rules 2 to 6)
booking-procedure-busy = Another procedure is under way on this booking; finish or abandon it first.
booking-procedure-active = Under way:
booking-procedures-past = Earlier procedures
procedure-rule-cancel = Rule 2: cancel in both systems — the voucher first, then the booking in Reservio. Never delete a booking.
procedure-rule-reschedule = Rule 3: agree the new time with the customer and change it in one system — the one where the booking was created — and the change reaches the other by itself.
procedure-rule-change_service = Rule 5: the channel cancels the original voucher and issues a new one for the new service; the original booking is cancelled in Reservio (never deleted) and the new voucher gets a booking of its own.
procedure-rule-escalate = Rule 4: if you cannot honour a booking, tell Partner Care at once. Until Partner Care resolves it, the booking stays valid and the customer will come.
procedure-for-booking = Booking { $value }
procedure-back = ← Back to the booking
procedure-plan-title = What will happen
procedure-plan-lead = These steps run in this order, one after the other; each one is recorded in the booking's history.
procedure-step-skipped = Skipped: { $value }
procedure-not-connected = This server is not connected to the booking systems, so procedures cannot run here.
procedure-refused-title = This procedure cannot start
procedure-active = Another procedure is already under way on this booking. Finish or abandon it first.
procedure-active-link = Open the procedure under way
procedure-form-title = Details
procedure-reason = Reason
procedure-reason-hint-cancel = Why is the booking cancelled? Partner Care and the channel see this.
procedure-reason-hint-escalate = Why can you not honour this booking?
procedure-proposal = What you propose (optional)
procedure-proposal-hint = For example another day, another service, or a refund.
procedure-escalate-valid = The booking stays valid, and the customer will come, until Partner Care resolves it.
procedure-date = Day
procedure-service = New service
procedure-service-choose = Choose a service
procedure-service-current = Now: { $value }
procedure-slots-legend = Free times on { $value }
procedure-slots-zone = Times in the time zone { $value }.
procedure-slots-empty = No free times that day. Choose another day.
procedure-slots-choose-date = Choose a day to see its free times.
procedure-slots-choose-service = Choose a service to see its free times.
procedure-slots-loading = Loading free times…
procedure-slots-error = The booking system did not answer, so the free times cannot be shown. Try again in a moment.
procedure-slot-bad-date = That is not a day. Choose one from the calendar.
procedure-self-rescheduled = The customer has already used their one self-reschedule from their channel account.
procedure-self-reschedule-free = The customer has not used their one self-reschedule yet: they could also move the booking themselves from their channel account.
procedure-applied-in = The new time is applied in { $value }, where the booking was created; the sync carries it to the other system.
procedure-submit-cancel = Start the cancellation
procedure-submit-reschedule = Move the booking
procedure-submit-change_service = Change the service
procedure-submit-escalate = Send to Partner Care
procedure-for-case = When it completes, this procedure settles Partner Care case #{ $value }.
procedure-error-reason-missing = Write the reason.
procedure-error-slot-missing = Choose one of the free times.
procedure-error-slot-malformed = The chosen time could not be read. Choose one of the free times again.
procedure-error-service-missing = Choose the new service.
procedure-error-unmapped = That service is not mapped to an offer of the channel. Ask your sales representative to map it.
procedure-error-system = The booking system did not answer. Nothing was started; try again in a moment.
procedure-error-no_connection = The booking's connection is not set up, so the procedure cannot run.
procedure-error-case-open = A Partner Care case is already open for this booking.
procedure-error-case-open-link = Open the case
procedure-started = The procedure has started. Its steps appear below as they are carried out.
procedure-refused-already_cancelled = Both systems already show this booking cancelled; there is nothing left to cancel.
procedure-refused-cancelled = A cancelled booking cannot be moved or changed.
procedure-refused-superseded = This booking was replaced by a new one after a service change; act on the new booking instead.
procedure-refused-no_voucher = This booking has no voucher in Termino, so the channel cannot change it. Ask Partner Care for help.
procedure-refused-not_in_reservio = This booking is not in Reservio (yet), so there is nothing to move there.
slot-problem-past = The chosen time is in the past. Choose a later one.
slot-problem-invalid = The chosen time is not a valid slot. Choose one of the free times.
slot-problem-taken = Another booking has taken the chosen time meanwhile. Choose another one.
slot-problem-not_offered = The chosen time is outside opening hours or not offered for this service. Choose one of the free times.
step-cancel_voucher = Cancel the voucher in Termino
step-confirm_voucher_cancelled = Wait for Termino to confirm the cancellation
step-cancel_reservio = Cancel the booking in Reservio (never delete it)
step-verify_cancelled = Check that both systems show it cancelled
step-check_slot = Check that the new time is free in Reservio
step-apply_time = Change the time in the system where the booking was created
step-await_propagation = Wait until the other system shows the new time
step-verify_time = Check that both systems show the new time
step-reissue_voucher = Cancel the voucher and issue a new one for the new service
step-cancel_old_reservio = Cancel the original booking in Reservio (never delete it)
step-create_new_booking = Book the new voucher
step-await_new_booking = Wait until the new booking exists in both systems
step-verify_new_booking = Check the new booking in both systems
step-open_case = Open a Partner Care case
step-skip-no_termino = the booking is not in Termino
step-skip-voucher_cancelled = the voucher is already cancelled
step-skip-no_reservio = the booking is not in Reservio
step-skip-reservio_cancelled = Reservio already shows it cancelled
step-skip-unknown = not needed for this booking
step-state-pending = To do
step-state-running = In progress
step-state-waiting = Waiting
step-state-done = Done
step-state-skipped = Skipped
step-state-failed = Failed
step-state-not-done = Not carried out
procedure-kind-unknown = Procedure
procedure-step-unknown = A step this version does not know
procedure-state-pending = Waiting to start
procedure-state-running = In progress
procedure-state-waiting = Waiting for a system
procedure-state-failed = Stopped
procedure-state-completed = Completed
procedure-state-abandoned = Abandoned
procedure-started-at = Started
procedure-started-by = Started by
procedure-finished-at = Finished
procedure-case = Partner Care case
procedure-params-reason = Reason
procedure-params-new-time = New time
procedure-params-new-service = New service
procedure-params-proposal = Proposal
procedure-steps = Steps
procedure-live = This page updates itself while the procedure runs.
procedure-waiting = Waiting for the other system.
procedure-waiting-confirm_voucher_cancelled = Waiting for Termino to confirm that the voucher is cancelled.
procedure-waiting-await_propagation = Waiting for the new time to reach the other system.
procedure-waiting-await_new_booking = Waiting for the new booking to appear in both systems.
procedure-retrying = A system did not answer; this step is tried again shortly.
procedure-step-failed = This step failed:
procedure-error = The procedure stopped:
procedure-failed-help = Once the cause is fixed, retry from the failed step — or abandon the procedure.
procedure-retry = Retry from this step
procedure-abandon = Abandon the procedure…
procedure-completed = Done: the procedure completed.
procedure-check-cancel = Both systems were checked: Reservio and Termino show the booking cancelled.
procedure-check-reschedule = Both systems were checked: Reservio and Termino show the new time, the booking confirmed and the same service.
procedure-check-change_service = Both systems were checked: Reservio shows the original booking cancelled, and the new booking for the new service is in Reservio and Termino.
procedure-check-escalate = Partner Care has your request and will contact you. Until it decides, the booking stays valid: the customer will come.
procedure-opened-case = Partner Care case #{ $value }
procedure-abandoned = The procedure was abandoned. Nothing already done was undone.
procedure-retried = The procedure continues from the failed step.
procedure-refused-retry = Only a stopped procedure can be retried, and this one is not stopped.
procedure-refused-abandon = This procedure cannot be abandoned now: it has finished, or a step is being carried out. Try again in a moment.
procedure-abandon-title = Abandon this procedure?
procedure-abandon-lead = Abandoning stops the procedure where it is. Nothing already done is undone: the steps that are done stay done in both systems.
procedure-abandon-done = Already done:
procedure-abandon-none-done = No step has been carried out yet.
procedure-abandon-understood = I understand that nothing already done is undone.
procedure-abandon-required = Tick the box to confirm.
procedure-abandon-confirm = Abandon the procedure
procedure-abandon-keep = ← Keep it and go back
procedure-abandoned-flash = The procedure was abandoned.
mismatch-procedure_failed = Procedure stopped
mismatch-procedure_failed-help = A guided procedure stopped at one of its steps, so the booking may be half changed. Open the procedure and retry the step, or abandon it.
care-open-booking = Open the booking
care-open-procedure = Open the stopped procedure
case-act-title = Resolve by acting on the booking
case-act-lead = Cancel or move the booking with the guided procedure; the case is resolved when the procedure completes.
case-act-cancel = Cancel the booking
case-act-reschedule = Move the booking
timeline-link_superseded = Replaced by a new booking for another service
timeline-procedure_started = Procedure started: { $value }
timeline-procedure_completed = Procedure completed: { $value }
timeline-procedure_step_done = Step done: { $value }
timeline-procedure_step_skipped = Step skipped: { $value }
timeline-procedure_step_waiting = Waiting at step: { $value }
timeline-procedure_step_retry = A system did not answer at step: { $value }; it is tried again
timeline-procedure_failed = Procedure stopped at step: { $value }
timeline-procedure_retried = The stopped procedure was started again
timeline-procedure_abandoned = The procedure was abandoned
timeline-case_opened = A Partner Care case was opened
timeline-case_resolved = The Partner Care case was resolved

# integrity
procedure-connection-ended = This booking's connection no longer syncs (it was disconnected or suspended), so the procedure cannot go on and cannot be retried. Abandon it; nothing already done is undone.
procedure-refused-connection_ended = This booking's connection no longer syncs (it was disconnected or suspended), so no procedure can be started on it here.
timeline-push_found_existing = The booking was already in { $value }; it was linked instead of created a second time
timeline-link_merged = Joined to the link that already held the other side of this booking

## Confirmation e-mails after a procedure (FAQ rule 6)
mail-subject-cancel = Booking cancelled: voucher { $voucher }, { $customer }
mail-body-cancel =
    { $steps }
    bookbridge then read both systems back: both show the booking cancelled (bookbridge booking { $booking }). There is nothing left to check.
mail-subject-reschedule = Booking moved: voucher { $voucher }, { $customer }
mail-body-reschedule =
    The booking of { $customer } with voucher { $voucher } was moved to a new time, and both systems now show it (bookbridge booking { $booking }).
    This e-mail confirms what the channel did in Termino. Please check that Reservio shows the same.
mail-subject-change_service = Service changed: voucher { $voucher }, { $customer }
mail-body-change_service =
    The channel cancelled voucher { $voucher } of { $customer } and issued a new voucher for the new service; the original booking was cancelled in Reservio and the new voucher was booked (bookbridge booking { $booking }).
    This e-mail confirms what the channel did in Termino. Please check that Reservio shows the same.
mail-subject-escalate = Sent to Partner Care: voucher { $voucher }, { $customer }
mail-body-escalate =
    Partner Care received your request about the booking of { $customer } with voucher { $voucher } (bookbridge booking { $booking }). Until Partner Care resolves it, the booking stays valid and the customer will come.
    This e-mail confirms what the channel did in Termino. Please check that Reservio shows the same.

# edge
error-request-timeout = The request took too long to arrive. Please try again.
# listing
listing-health-title = Connection health
listing-alarm = { $system } suddenly shows { $count } fewer { $count ->
    [one] booking
   *[other] bookings
} — check the connection.
listing-alarm-confirm = The bookings are really gone
listing-alarm-confirmed = The alarm is confirmed: the next check marks the missing bookings as deleted.
listing-alarm-confirmed-note = Confirmed: the next check marks them as deleted.
listing-alarm-refused = This alarm is no longer open; nothing was changed.
listing-unreadable = { $system }: { $count ->
    [one] { $count } booking
   *[other] { $count } bookings
} could not be read (since { $since }): { $cause }
timeline-push_unverified = The change was sent to { $value }, but it could not be read back; it is verified at the next readable check
# in-flight
# A change crossing over, overdue, or not delivered: one state and one message per booking;
# who moved a booking; the cancel confirmation told from the steps that ran.
booking-inflight-crossing-title = A date change is crossing over
booking-inflight-overdue-title = A date change is overdue
booking-inflight-undelivered-title = Change not delivered
booking-inflight-towards-reservio = Reservio
booking-inflight-towards-termino = Termino
booking-inflight-towards-other = the other system
booking-inflight-crossing = The new time has been crossing over to { $system } since { $since } ({ $elapsed }). The channel promises this within about { $promise }.
booking-inflight-overdue = The new time has been crossing over to { $system } since { $since } ({ $elapsed }) — longer than the { $promise } the channel promises. Check both systems; the booking is flagged as a time mismatch.
booking-inflight-undelivered-retrying = { $system } did not answer, so the change has not been made there. bookbridge sends it again by itself at { $next }, and at once when { $system } answers again. You can also send it again now.
booking-inflight-undelivered-refused = { $system } refused the change, so it has not been made there, and bookbridge will not send it again by itself. Check the booking in both systems; once the cause is fixed, send it again now — or ask Partner Care for help.
booking-inflight-undelivered-sending = The change is being sent to { $system } again right now; this page shows the result when it next refreshes.
booking-send-again = Send it again now
booking-send-again-queued = The change goes to the other system again within a few seconds.
booking-send-again-nothing = There is no undelivered change to send again.
bookings-overdue-short = { $count ->
    [one] overdue: on its way for { $count } minute
   *[other] overdue: on its way for { $count } minutes
}
bookings-crossing = Change crossing over
bookings-overdue = Change overdue
timeline-push_requeued = The undelivered change to { $value } was sent again
timeline-booking_moved_by_customer = The customer moved it from their Slevomat account: { $from } → { $to }
timeline-booking_moved = Moved in { $system }: { $from } → { $to }
audit-what = What happened
mail-cancel-voucher-done = The channel cancelled voucher { $voucher } of { $customer } in Termino.
mail-cancel-voucher-already = Voucher { $voucher } of { $customer } was already cancelled in Termino; nothing was changed there.
mail-cancel-voucher-none = The booking of { $customer } has no reservation in Termino.
mail-cancel-reservio-done = bookbridge cancelled the booking in Reservio (it was not deleted).
mail-cancel-reservio-already = The booking was already cancelled in Reservio; nothing was changed there.
mail-cancel-reservio-none = There is no booking for it in Reservio.
# audit-key
audit-key-id = Signing key
audit-entry-after-break = This entry comes after a break in the audit chain (at entry { $value }): the chain cannot vouch for it.
audit-problems-more = { $count ->
    [one] and { $count } more problem (the command `bookbridge audit verify` lists them all)
   *[other] and { $count } more problems (the command `bookbridge audit verify` lists them all)
}
audit-problem-missing-one = Entry { $value } is missing.
audit-problem-missing = Entries { $value } are missing.
audit-problem-unlinked = Entry { $value } does not link to the entry before it.
audit-problem-altered = Entry { $value } was altered: its content does not match its signature.
audit-problem-unknown-key = Entry { $value } is signed with a key the key file does not hold.
audit-problem-legacy = Entry { $value } is unsigned although the chain was already keyed.
audit-problem-checkpoint = Entry { $value } is not the entry a signed checkpoint recorded.
audit-problem-head = The chain's head does not point at its last entry ({ $value }).
audit-problem-bad-checkpoint = Line { $value } of the checkpoint file does not verify.
# accounts
error-password-common = This password is among the most common leaked passwords. Choose another one — a few unrelated words work well.
error-password-email = The password must not contain your e-mail address.
error-password-product = The password must not contain the product's name.
password-rules = At least 10 characters. Not a common password, and not your e-mail address or the product's name. A few unrelated words make a good one.
error-current-password = This is not your current password.
error-current-password-throttled = Too many wrong passwords. Try again in 15 minutes.
error-password-mismatch = The two passwords are not the same.
error-timezone-unknown = Unknown time zone. Use a name such as Europe/Prague, or leave it empty.
login-forgot = Forgot your password?
second-factor-title = Second step: your code
second-factor-code = Code from your authenticator app
second-factor-code-help = Six digits; a new one every 30 seconds.
second-factor-use-recovery = Lost your phone? Use a recovery code
second-factor-recovery-code = Recovery code
second-factor-submit = Continue
second-factor-wrong = The code is not right. Check your authenticator app's clock and try the newest code.
second-factor-throttled = Too many wrong codes. For your safety, the second step is paused for 15 minutes; try again later.
enrol-title = Set up your authenticator app
enrol-required = Your role needs a second factor: set up an authenticator app to continue.
enrol-lead = Scan the QR code with an authenticator app (any app that supports TOTP), then type the code it shows.
enrol-qr-label = QR code for your authenticator app
enrol-secret = Cannot scan it? Enter this key instead:
enrol-submit = Turn on
recovery-codes-title = Your recovery codes
recovery-codes-lead = Each code lets you in once if you lose your phone. Keep them somewhere safe now: they are shown only this once.
recovery-codes-continue = I have saved them — continue
account-title = Your account
account-password = Password
account-current-password = Current password
account-new-password = New password
account-confirm-password = New password again
account-password-submit = Change password
account-password-note = Changing the password signs you out everywhere else.
account-password-changed = Your password was changed, and your other sessions were signed out.
account-preferences = Language and time zone
account-timezone = Time zone
account-timezone-help = Leave empty to use your partner's time zone (staff: Europe/Prague).
account-preferences-submit = Save
account-preferences-saved = Your settings were saved.
account-second-factor = Second factor
account-second-factor-on = On
account-recovery-codes-left = { $count ->
    [one] One recovery code left.
   *[other] { $count } recovery codes left.
}
account-second-factor-offer = Protect your account with a code from an authenticator app as well as your password.
account-second-factor-enrol = Set up an authenticator app
account-sessions = Where you are signed in
account-session-device = Device
account-session-address = Address
account-session-last-seen = Last seen
account-session-this = This session
account-session-end = Sign out
account-session-ended = That session was signed out.
account-sessions-end-others = Sign out everywhere else
account-sessions-ended = Your other sessions were signed out.
set-password-for = Choose a password for { $value }.
set-password-submit = Save password
invitation-title = Welcome to bookbridge
invitation-accepted = Your password is set. You can log in now.
reset-title = Choose a new password
reset-done = Your password was changed, and every session was signed out. Log in with the new password.
link-invalid-title = This link is no longer valid
link-invalid-text = The link was already used, has expired or was replaced by a newer one. Ask for a new one.
forgot-title = Forgotten password
forgot-lead = Type your e-mail address and we will send you a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If the address belongs to an account, a link to choose a new password is on its way. It works once, for 30 minutes.
forgot-back = Back to logging in
forgot-throttled = Too many requests. Try again in 15 minutes.
mail-subject-invitation = You are invited to bookbridge
mail-body-invitation =
    You were given an account in bookbridge for { $email }.
    Choose your password here (the link works once, for 72 hours):
    { $link }
    If you did not expect this e-mail, you can ignore it.
mail-subject-reset = Choose a new bookbridge password
mail-body-reset =
    Someone asked to reset the bookbridge password of { $email }.
    Choose a new password here (the link works once, for 30 minutes):
    { $link }
    If it was not you, ignore this e-mail: your password stays as it is.
users-invite-note = The new user gets an e-mail invitation and chooses their own password and language.
status-invited = Invited
users-invitation-expires = link valid until { $value }
users-second-factor = Second factor
action-resend-invitation = Resend invitation
action-revoke-invitation = Revoke invitation
action-reset-second-factor = Reset second factor
confirm-reset-second-factor = Reset the second factor of { $value }? They will be signed out and must set it up again.
flash-user-invited = { $value } was invited by e-mail.
flash-invitation-resent = A new invitation was sent to { $value }.
flash-invitation-revoked = The invitation of { $value } was revoked.
flash-second-factor-reset = The second factor of { $value } was reset.
action-send-reset = Send reset link
flash-reset-sent = A link to choose a new password was sent to { $value }.

# daily
bookings-waiting-other-system = Waiting for the other system
booking-waiting-other-system = Only one system shows this booking so far: waiting for the other system.
booking-back-to-booking = ← The booking
case-booking = Booking
case-proposal = What the partner proposes
booking-cases = Partner Care cases about this booking
care-still-differs = The two systems still differ as flagged. A note does not change that: the next sync would flag the same again.
care-still-differs-fix = The highlighted procedure fixes it; or, if the difference is wanted, accept it below with a reason.
care-accept-reason = Why this difference is accepted
care-accept-hint = It stays silent until either system changes this booking again.
care-action-accept = Accept this difference
care-done-accepted = The difference of mismatch { $value } is accepted; it is flagged again only if either side changes.
care-refused-still-differs = Mismatch { $value } cannot be resolved with a note: the two systems still differ. Use the procedure, or accept the difference with a reason.
procedure-refused-nothing_to_honour = Both systems show this booking cancelled: the customer will not come, so there is nothing to honour and nothing to ask Partner Care about.
audit-entity-booking_link = Linked booking
audit-entity-external_booking = Booking in a system
audit-entity-mismatch = Mismatch
audit-entity-procedure = Procedure
audit-entity-case = Partner Care case
audit-entity-user = User
audit-entity-connection = Connection
audit-entity-push = Change sent to a system
audit-entity-partner = Partner
audit-entity-login = Login
audit-entity-logout = Logout
audit-entity-email = E-mail
sales-length-differs = Lengths differ ({ $value }): the channel would sell a visit of another length than the calendar books.
home-no-connection = You have no live connection yet, so there are no bookings to compare. Set one up first: request it, send its ID to your sales rep, then verify it.
home-set-up-connection = Set up a connection
connection-request-another = Connect another Reservio calendar
logout-done = You are logged out.
home-care-open = mismatches to work on
home-care-unassigned = taken by nobody yet
home-care-cases = open Partner Care cases
home-care-cases-waiting = Cases waiting, longest first
home-sales-requested = New connection requests
home-sales-verifying = Verifications pending
home-sales-problems = problems partners reported
home-sales-none = None at the moment.
partners-language = Language
partners-language-reader = Each reader's own
partners-settings-save = Save
flash-partner-settings = Time zone and language of { $value } saved.

# reservio
reservio-profile-title = What bookbridge found in your Reservio account
reservio-profile-token-ok = Reservio accepts the access token.
reservio-profile-token-refused = Reservio refuses the access token: ask Reservio for a new one.
reservio-profile-timezone = Your business's time zone in Reservio: { $zone }.
reservio-profile-resources = Staff and rooms in Reservio: { $names }.
reservio-profile-filter-honoured = Reservio lists bookings by appointment date: each check reads only the coming weeks.
reservio-profile-filter-misapplied = Reservio filters bookings by the day they were made, not the appointment: bookbridge reads newest bookings first — each check takes longer.
reservio-profile-filter-ignored = Reservio ignores the date filter: bookbridge reads newest bookings first — each check takes longer.
reservio-profile-filter-unknown = Your Reservio calendar has no bookings yet, so bookbridge cannot tell yet how it filters them; it checks again once there are some.
reservio-profile-include-honoured = Reservio sends each booking with its appointment and customer.
reservio-profile-include-ignored = Reservio sends bookings without their appointment and customer: bookbridge reads them one by one — each check takes longer.

## Expiring credentials and observe mode
credentials-expired-banner = { $system } refused this connection's credentials on { $since }: bookbridge writes nothing to either system until new credentials are entered. { $held ->
    [0] No change is waiting.
    [one] One change is waiting; it is not lost.
   *[other] { $held } changes are waiting; none is lost.
}
credentials-system-unknown = A system
credentials-care-title = Refused credentials
credentials-care-where = Enter new credentials
credentials-title = Replace credentials
credentials-intro = Enter a Reservio API token or a Reservio partner OAuth client (client ID and secret). bookbridge tries them before keeping them and stores them encrypted.
credentials-kind = Kind of credentials
credentials-kind-token = Reservio API token
credentials-kind-oauth = Reservio OAuth client
credentials-kind-termino = Termino token
credentials-token = Token
credentials-client-id = Client ID
credentials-client-secret = Client secret
credentials-submit = Try and save
credentials-done = The new credentials work. Changes that were waiting go now.
credentials-error-missing = Enter the token, or the client ID and its secret, without spaces.
credentials-error-client-id = A client ID cannot contain a colon.
credentials-error-refused = The system refused these credentials; nothing was changed.
mode-title = Observe or live
mode-observe-badge = Observe mode: bookbridge reads and compares, but writes nothing
mode-live-badge = Live: bookbridge writes changes to both systems
mode-observe-intro = bookbridge reads both systems, links and compares the bookings and flags what disagrees, but changes nothing in either system. Every change it would make is recorded as "would do" on the booking and procedure pages. Switch to live once those look right.
mode-live-intro = bookbridge carries changes across and carries out the procedures' steps in both systems.
mode-changed = Last switched:
mode-go-live = Switch to live
mode-go-observe = Switch to observe mode
mode-done-observe = The connection observes: nothing is written to either system until it is switched to live.
mode-done-live = The connection is live: the changes recorded meanwhile go now.
mode-error-unknown = Choose observe mode or live.
procedure-would-do = Observe mode: bookbridge would do this step now, and waits until the connection is switched to live.
procedure-held-credentials = Waiting for new credentials: a system refused the old ones.
push-would-do = Would do (observe mode)
push-held-credentials = Waiting for new credentials
push-held-title = Changes waiting
push-action-create = create the booking
push-action-update_time = move the booking to the new time
push-action-update_customer = update the customer's details
push-action-cancel = cancel the booking
push-action-other = change the booking
procedure-move-by-hand = Reservio does not let bookbridge move bookings: please move this booking to the new time in Reservio's own calendar. bookbridge keeps checking Reservio and carries the new time to the channel as soon as Reservio shows it.

# people: partner users invite colleagues, the demo's mailbox, notices about one's account
mail-booking-time = Booking time (your time zone): { $when }
mail-subject-password-changed = Your bookbridge password was changed
mail-body-password-changed =
    The password of the bookbridge account { $email } was changed on { $when }.
    If that was you, there is nothing to do.
    If it was not you, choose a new password at once here and tell your administrator:
    { $link }
mail-subject-second-factor-enrolled = A second factor was set up for your bookbridge account
mail-body-second-factor-enrolled =
    A second factor (an authenticator app) was set up for the bookbridge account { $email } on { $when }.
    If that was you, there is nothing to do.
    If it was not you, choose a new password at once here and tell your administrator:
    { $link }
mail-subject-second-factor-removed = The second factor of your bookbridge account was removed
mail-body-second-factor-removed =
    An administrator removed the second factor of the bookbridge account { $email } on { $when }; you will set up a new one at your next login.
    If you did not ask for this, tell your administrator, and choose a new password here:
    { $link }
nav-mailbox = Demo mailbox
mailbox-title = Demo mailbox
mailbox-lead = The demo sends no e-mail: invitations, password links and notices about accounts wait here instead, so that you can open them. Only the demo has this page.
mailbox-empty = No e-mail is waiting.
mailbox-open-link = Open the link
nav-team = Colleagues
team-title = Colleagues
team-lead = Everyone who works for your business in bookbridge.
team-invite = Invite a colleague
team-invite-submit = Send the invitation
team-invite-off = Only your administrator can add colleagues. Ask them to add one, or to let you invite colleagues yourself.
partners-colleague-invitations-on = Allowed
action-colleague-invitations-on = Allow
action-colleague-invitations-off = Stop
flash-colleague-invitations-on = The users of { $value } may now invite colleagues.
flash-colleague-invitations-off = The users of { $value } can no longer invite colleagues.
partners-colleague-invitations = Users invite colleagues
partners-colleague-invitations-off = Not allowed
filters-toggle = Filters
