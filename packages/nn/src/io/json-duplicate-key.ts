/**
 * The first key that appears twice in one object of `json`, which must already parse as JSON;
 * null when there is none. `JSON.parse` silently keeps the last of duplicates, which safetensors forbids.
 */
export function findDuplicateKey(json: string): string | null {
  const objects: Array<Set<string> | null> = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{') objects.push(new Set());
    else if (c === '[') objects.push(null);
    else if (c === '}' || c === ']') objects.pop();
    else if (c === '"') {
      const end = closingQuote(json, i);
      const keys = objects[objects.length - 1];
      if (keys && nextNonSpace(json, end + 1) === ':') {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    }
  }
  return null;
}

function closingQuote(json: string, open: number): number {
  let i = open + 1;
  while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i;
}

function nextNonSpace(json: string, from: number): string | undefined {
  let i = from;
  while (i < json.length && ' \t\n\r'.includes(json[i]!)) i++;
  return json[i];
}
