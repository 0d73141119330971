// A module-resolution hook for running from a checkout's sources: every import resolves under the
// `@ouroboros/source` export condition, so `@ouroboros/*` packages load their TypeScript sources
// (through tsx) instead of their compiled dist/.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, '@ouroboros/source'] });
}
