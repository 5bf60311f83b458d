-- /find's kind: filter, for the kinds a catalog holds few of (Domain, Location, Template, kinds
-- of its own): without an index, "kind:domain payments" in a catalog of a million entities and
-- no Domains reads every row, for seconds. Partial, so that the planner never pairs a common
-- kind's hundreds of thousands of rows with a word's few (that costs more than reading the word's).
CREATE INDEX entities_kind ON entities (kind) WHERE kind NOT IN ('component', 'api', 'resource', 'system', 'group', 'user');
