//! What a Reservio account turned out to do where the public evidence is silent, and the
//! read-only probe that finds out. The client lists bookings the way the profile says works;
//! when a listing shows something the profile did not predict, the profile is dropped and the
//! next listing probes again.

use serde_json::Value;

use super::ReservioClient;
use super::capabilities::{AccountProfile, DateFilterSupport, ListingProfile};
use super::wire::{format_instant, starts_of};
use crate::systems::{Account, SystemError};

/// Bookings in the probe's samples.
const SAMPLE: u32 = 20;

impl ReservioClient {
    /// Probes the listing read-only: the newest bookings unfiltered, then a filtered listing of
    /// one second around one of them. Two requests (more when `include` is ignored and events
    /// must be read one by one).
    pub async fn probe_listing(&self, account: &Account) -> Result<ListingProfile, SystemError> {
        let query = vec![
            ("include", "event,client".to_string()),
            ("sort", "-createdAt".to_string()),
        ];
        let sample = self
            .fetch_pages(account, &["bookings"], query, SAMPLE, |_| true)
            .await?;
        if sample.items.is_empty() {
            return Ok(ListingProfile::default());
        }
        let include = Some(!sample.included.is_empty());
        let mut included = sample.included;
        self.complete_related(account, &sample.items, &mut included)
            .await?;
        let starts = starts_of(&sample.items, &included);
        let Some((probe_id, probe_start)) = starts.first().cloned() else {
            return Ok(ListingProfile {
                date_filter: DateFilterSupport::Unknown,
                include,
            });
        };
        let query = vec![
            ("filter[from]", format_instant(probe_start)?),
            ("filter[to]", format_instant(probe_start + 1)?),
            ("include", "event,client".to_string()),
            ("sort", "createdAt".to_string()),
        ];
        let filtered = self
            .fetch_pages(account, &["bookings"], query, 100, |_| true)
            .await?;
        let mut filtered_included = filtered.included;
        self.complete_related(account, &filtered.items, &mut filtered_included)
            .await?;
        let outside = starts_of(&filtered.items, &filtered_included)
            .iter()
            .any(|(_, start)| *start != probe_start);
        let has_probe = filtered
            .items
            .iter()
            .any(|item| item.get("id").and_then(Value::as_str) == Some(probe_id.as_str()));
        let date_filter = if outside {
            DateFilterSupport::Ignored
        } else if !has_probe {
            DateFilterSupport::Misapplied
        } else {
            DateFilterSupport::Honoured
        };
        Ok(ListingProfile {
            date_filter,
            include,
        })
    }

    /// The whole read-only probe of an account at set-up: the token, the business's time zone and
    /// resources, the listing ([`Self::probe_listing`]) and whether listings describe their pages.
    pub async fn probe_account(&self, account: &Account) -> Result<AccountProfile, SystemError> {
        let mut me = self.base.clone();
        me.path_segments_mut()
            .map_err(|()| SystemError::Transport("the base URL cannot take a path".into()))?
            .extend(["users", "me"]);
        let token_ok = match self.send(self.request(reqwest::Method::GET, me)).await {
            Ok(_) => true,
            Err(SystemError::Http {
                status: 401 | 403, ..
            }) => false,
            Err(other) => return Err(other),
        };
        let business = self
            .send(self.request(reqwest::Method::GET, self.url(account, &[])?))
            .await?;
        let timezone = business
            .pointer("/data/attributes/timezone")
            .and_then(Value::as_str)
            .map(str::to_string);
        let url = self.url(account, &["resources"])?;
        let page = super::wire::list_page(
            self.send(
                self.request(reqwest::Method::GET, url)
                    .query(&[("page[limit]", "100")]),
            )
            .await?,
        )?;
        let paging_described = page.total.is_some() || page.has_next.is_some();
        let resources = page
            .data
            .iter()
            .filter_map(|r| r.pointer("/attributes/name").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        let listing = self.probe_listing(account).await?;
        if listing.date_filter != DateFilterSupport::Unknown {
            self.set_profile(account, listing);
        }
        Ok(AccountProfile {
            token_ok,
            timezone,
            resources,
            listing,
            paging_described,
        })
    }

    /// The profile the listing follows for `account`, probing when there is none yet.
    pub(super) async fn listing_profile(
        &self,
        account: &Account,
    ) -> Result<ListingProfile, SystemError> {
        if let Some(known) = self.known_profile(account) {
            return Ok(known);
        }
        let probed = self.probe_listing(account).await?;
        // Unknown is not remembered: the next listing probes again, once there are bookings.
        if probed.date_filter != DateFilterSupport::Unknown {
            self.set_profile(account, probed);
        }
        Ok(probed)
    }

    /// The profile in use for `account`, if any.
    pub fn known_profile(&self, account: &Account) -> Option<ListingProfile> {
        self.profiles.lock().ok()?.get(account).copied()
    }

    /// Uses `profile` for `account` (a stored one, from the set-up probe).
    pub fn set_profile(&self, account: &Account, profile: ListingProfile) {
        if let Ok(mut profiles) = self.profiles.lock() {
            profiles.insert(account.to_string(), profile);
        }
    }

    /// Something the profile did not predict: drop it, so the next listing probes again.
    pub(super) fn forget_profile(&self, account: &Account) {
        tracing::info!(
            account,
            "Reservio answered unlike its profile; probing again"
        );
        if let Ok(mut profiles) = self.profiles.lock() {
            profiles.remove(account);
        }
        if let Ok(mut count) = self.reprobes.lock() {
            *count += 1;
        }
    }
}
