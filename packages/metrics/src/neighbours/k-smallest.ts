/** Inserts `value` into list[base .. base + k), kept ascending, when it is below the largest (which drops out). */
export function offerSmallest(list: Float64Array, base: number, k: number, value: number): void {
  if (!(value < list[base + k - 1]!)) return;
  let at = base + k - 1;
  while (at > base && list[at - 1]! > value) {
    list[at] = list[at - 1]!;
    at--;
  }
  list[at] = value;
}
