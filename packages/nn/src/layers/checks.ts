/** Throws `owner: name must be a positive integer, got value` unless `value` is one. */
export function checkPositiveInt(owner: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${owner}: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Throws unless `value` is a finite number >= 0. */
export function checkNonNegative(owner: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${owner}: ${name} must be a finite number >= 0, got ${value}`);
  return value;
}

/** Throws unless `whole` is divisible by `part`, naming both. */
export function checkDivisible(owner: string, wholeName: string, whole: number, partName: string, part: number): void {
  if (whole % part !== 0) {
    throw new RangeError(`${owner}: ${wholeName} (${whole}) must be divisible by ${partName} (${part})`);
  }
}

/** Throws unless `value` is one of `allowed`, listing them. */
export function checkOneOf<T extends string>(owner: string, name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new RangeError(`${owner}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${value}'`);
  }
  return value;
}

/** Throws unless the last axis of `shape` has `expected` entries. */
export function checkLastAxis(owner: string, shape: readonly number[], expected: number, what: string): void {
  if (shape.length === 0 || shape[shape.length - 1] !== expected) {
    throw new RangeError(`${owner}: input must have ${expected} ${what} on its last axis, got shape [${shape.join(', ')}]`);
  }
}
