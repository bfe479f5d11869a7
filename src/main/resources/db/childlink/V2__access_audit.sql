-- The audit trail (docs/access.md): one row per access, appended, never changed through the API; served as
-- AuditEvent resources (the constant parts of an AuditEvent are added when it is read).
CREATE TABLE cl_audit_event (
    id          bigserial    PRIMARY KEY,
    recorded    timestamptz  NOT NULL,
    interaction varchar(32)  NOT NULL,  -- http://hl7.org/fhir/restful-interaction code
    action      char(1)      NOT NULL,  -- C, R, U, D or E
    status      smallint     NOT NULL,  -- the HTTP status answered
    failure     text,                   -- what a refusal or failure said
    issuer      text,
    subject     text,                   -- the person or client (token sub)
    client_id   text,
    agency      varchar(32),
    roles       text[],
    org_system  text,                   -- the organisation the caller acts for
    org_value   text,
    address     varchar(64),            -- the caller's network address
    request     text,                   -- the request as the caller sent it
    break_glass text,                   -- the reason given for breaking the glass
    children    text[]       NOT NULL   -- Patient/<id> of each child whose data was accessed
);
CREATE INDEX cl_audit_event_children ON cl_audit_event USING gin (children);
CREATE INDEX cl_audit_event_recorded ON cl_audit_event (recorded);
