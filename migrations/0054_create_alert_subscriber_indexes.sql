-- One active subscription per email address and per push endpoint: a second sign-up of the same
-- address changes nothing (and cannot move someone else's area), so no one is alerted twice
-- through two rows of their own.
create unique index alert_subscribers_email_active_idx on alert_subscribers (email) where unsubscribed_at is null and email is not null;
create unique index alert_subscribers_push_active_idx on alert_subscribers ((push_subscription->>'endpoint')) where unsubscribed_at is null and push_subscription is not null;
