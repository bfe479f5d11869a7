-- The server's secret for pseudonymised extracts (docs/population.md, "Pseudonymised extracts"): 32 random bytes,
-- made by whichever process first needs them. Each recipient's key is derived from it, so every process gives a
-- recipient the same pseudonyms, and a restart does not change them. It is as secret as the records it keys: whoever
-- holds the database holds both.
CREATE TABLE cl_pseudonym_secret (
    id       smallint     PRIMARY KEY CHECK (id = 1),
    secret   bytea        NOT NULL,
    created  timestamptz  NOT NULL DEFAULT now()
);
