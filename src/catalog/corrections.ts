/**
 * Corrections people make to inferred ownership ("Not us"): the owner a repository must not be
 * inferred to have again. A catalog file in the repository overrides them, as it overrides inference.
 */
export interface OwnershipCorrection {
  /** `owner/name`, lower case. */
  repository: string;
  /** The rejected owner's ref key, e.g. `group:default/payments`. */
  rejectedOwner: string;
  entityRef: string;
  rejectedBy: string;
  evidence: string;
  rejectedAt: Date;
}

export interface OwnershipCorrections {
  /** Records that `rejectedOwner` does not own the repository; saying it twice keeps the first. */
  reject(correction: Omit<OwnershipCorrection, 'rejectedAt'>): Promise<{ recorded: boolean }>;
  /** Rejected owners (ref keys) by repository (`owner/name`, lower case), for the repositories of one organisation. */
  rejectedOwners(org: string): Promise<Map<string, Set<string>>>;
}

/** Repositories a declared entity already stands for, wherever its catalog file lives. */
export interface DeclaredRepositories {
  /** `owner/name` (lower case) of every repository of `org` that a declared entity names in `github.com/project-slug`. */
  declaredIn(org: string): Promise<Set<string>>;
}
