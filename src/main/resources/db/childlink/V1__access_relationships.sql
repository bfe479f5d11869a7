-- The access module's relationships (docs/access.md, docs/adr/0009): who may see which child, derived from the
-- records when they are written, in the same transaction, by the rules of access/policy.json.

-- One row per relationship rule that holds between a child and an organisation.
CREATE TABLE cl_relationship (
    child_id    varchar(100) NOT NULL,  -- the child's Patient id
    org_id      varchar(100) NOT NULL,  -- the Organization's id
    rule        varchar(64)  NOT NULL,  -- the relationship's name in access/policy.json
    valid_until date,                   -- the last day it holds (a record's date plus the recent period); NULL: while the record says so
    PRIMARY KEY (child_id, org_id, rule)
);
CREATE INDEX cl_relationship_org ON cl_relationship (org_id, child_id);
CREATE INDEX cl_relationship_until ON cl_relationship (valid_until) WHERE valid_until IS NOT NULL;

-- The child-organisation pairs that hold a relationship, each projected as a Basic resource (Basic.subject the child,
-- Basic.author the organisation) so that HAPI's own search SQL can join them: searches are narrowed with
-- _has:Basic:subject:author=Organization/<caller's organisation>.
CREATE TABLE cl_access_grant (
    child_id varchar(100) NOT NULL,
    org_id   varchar(100) NOT NULL,
    basic_id varchar(64)  NOT NULL,
    PRIMARY KEY (child_id, org_id)
);

-- A database that already holds children when this table is made has its relationships worked out once, by the
-- scheduled relationship check (which then removes this row).
CREATE TABLE cl_relationship_backfill (pending boolean PRIMARY KEY);
INSERT INTO cl_relationship_backfill (pending)
    SELECT true WHERE EXISTS (SELECT 1 FROM hfj_resource WHERE res_type = 'Patient' AND res_deleted_at IS NULL);
