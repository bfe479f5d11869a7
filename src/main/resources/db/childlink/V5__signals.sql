-- The signals owed and sent (docs/signals.md): a row is written in the same transaction as the record change it comes
-- from, so a crash after the commit cannot lose it and only the process that wrote the change makes it; any server
-- process then sends it (SELECT ... FOR UPDATE SKIP LOCKED), marking it sent in the transaction that writes its Tasks.
CREATE TABLE cl_signal (
    id          bigserial    PRIMARY KEY,
    topic       varchar(64)  NOT NULL,          -- the topic's code in signals/topics.json
    event       varchar(64)  NOT NULL,          -- the topic's event
    child       text         NOT NULL,          -- Patient/<id>
    focus       text,                           -- the record it comes from (Type/<id>)
    requester   text,                           -- whom to call: the organisation that recorded it (Organization/<id>)
    previous_org text,                          -- a move's previous and new organisation (Organization/<id>)
    new_org     text,
    occurred    timestamptz  NOT NULL DEFAULT now(),
    sent        timestamptz,                    -- when its Tasks were written (NULL: owed)
    recipients  integer,                        -- how many organisations it went to (0: none related, or not due)
    attempts    integer      NOT NULL DEFAULT 0,
    not_before  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX cl_signal_owed ON cl_signal (not_before, id) WHERE sent IS NULL;
