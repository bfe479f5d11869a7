-- The counts of each stored attendance record (docs/population.md, "Attendance statistics"): a row is written, changed
-- or removed in the transaction that writes the Observation it comes from, so the statistics add up what is stored
-- without reading a million resources. Withdrawn records (entered-in-error, cancelled) have no row.
CREATE TABLE cl_attendance_record (
    observation   text     PRIMARY KEY,           -- Observation/<id>
    school        text     NOT NULL,              -- Organization/<id>: the record's performer
    child         text     NOT NULL,              -- Patient/<id>
    period_start  date     NOT NULL,
    period_end    date     NOT NULL,
    possible      integer  NOT NULL,
    present       integer  NOT NULL,
    approved      integer  NOT NULL,              -- attending an approved educational activity
    authorised    integer  NOT NULL,
    unauthorised  integer  NOT NULL
);
CREATE INDEX cl_attendance_record_school ON cl_attendance_record (school, child, period_start);

-- Statistics runs: the scheduled run of a period is made by the process that adds its row; and whether the records
-- stored before this table existed have been counted into it (the row 'backfill').
CREATE TABLE cl_statistics_run (
    run      text         PRIMARY KEY,            -- 'backfill', or 'absence/<period start>/<period end>'
    started  timestamptz  NOT NULL DEFAULT now(),
    finished timestamptz
);
