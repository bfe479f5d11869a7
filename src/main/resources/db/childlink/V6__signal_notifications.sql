-- The notifications owed to subscriptions (docs/signals.md): written in the transaction that sends the signal to
-- the subscriber's worklist, delivered by any server process outside any transaction (a row is claimed for a while,
-- so a slow endpoint holds no database connection), retried with growing waits, and kept once delivered.
CREATE TABLE cl_notification (
    id            bigserial    PRIMARY KEY,
    subscription  text         NOT NULL,          -- Subscription/<id>
    signal_id     bigint       NOT NULL,          -- cl_signal.id
    topic         varchar(64)  NOT NULL,
    task          text         NOT NULL,          -- Task/<id> on the subscriber's worklist: the notification's focus
    child         text         NOT NULL,          -- Patient/<id>
    event_number  bigint       NOT NULL,          -- the subscription's count of events, this one included
    occurred      timestamptz  NOT NULL DEFAULT now(),
    delivered     timestamptz,                    -- NULL: owed
    attempts      integer      NOT NULL DEFAULT 0,
    not_before    timestamptz  NOT NULL DEFAULT now(),
    claimed_until timestamptz,                    -- a process is delivering it until then
    last_error    text,
    UNIQUE (subscription, signal_id)
);
CREATE INDEX cl_notification_owed ON cl_notification (not_before, id) WHERE delivered IS NULL;

-- Each subscription's counts, for its $status.
CREATE TABLE cl_subscription_state (
    subscription   text         PRIMARY KEY,     -- Subscription/<id>
    events         bigint       NOT NULL DEFAULT 0,
    failures       integer      NOT NULL DEFAULT 0, -- failed deliveries in a row
    last_error     text,
    last_error_at  timestamptz,
    last_delivered timestamptz
);
