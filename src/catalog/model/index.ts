export * from './entity';
export { InvalidEntityRefError, parseEntityRef, stringifyEntityRef, entityRefKey, canonicalEntityRef, sameEntityRef, refOf } from './refs';
export type { EntityRefContext, EntityRefLike, PartialEntityRef } from './refs';
export { validateEntity, KIND_DEFINITIONS } from './validation';
export type { ValidationResult, KindDefinition } from './validation';
export * from './relations';
export {
  isValidAnnotationKey,
  isValidApiVersion,
  isValidDnsLabel,
  isValidDnsSubdomain,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidObjectName,
  isValidTag,
  isValidUrl,
} from './formats';
export { isValidTimeZone, WEEKDAYS } from './schemas/rotation';
