-- The absence flags the server owes (README, "absence Flag"): a row is written in the same transaction as the attendance
-- record it comes from, so a crash after the commit cannot lose it, and deleted in the transaction that brings the
-- child's flag up to date. Any server process works through it (SELECT ... FOR UPDATE SKIP LOCKED): one at a time
-- per child, whichever process wrote the record.
CREATE TABLE cl_flag_work (
    subject    text         PRIMARY KEY,          -- Patient/<id>
    queued     timestamptz  NOT NULL DEFAULT now(),
    routine    boolean      NOT NULL DEFAULT false, -- queued by the daily check, not by a change: after the changes
    attempts   integer      NOT NULL DEFAULT 0,     -- failed attempts so far
    not_before timestamptz  NOT NULL DEFAULT now()  -- a failed attempt waits before the next
);
CREATE INDEX cl_flag_work_due ON cl_flag_work (routine, not_before);

-- The days on which the daily check of every child's flag ran: the process that adds the day's row runs it.
CREATE TABLE cl_flag_check (
    day     date         PRIMARY KEY,
    started timestamptz  NOT NULL DEFAULT now()
);
