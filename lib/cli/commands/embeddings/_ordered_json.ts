/**
 * JSON parsed with objects as `Map`s, so keys keep the order of the text as in Python's `json.loads`
 * (a JavaScript object puts integer-like keys such as `"2024"` first). `llm embed-multi` takes the first key
 * of each row as its ID, so the order matters.
 * @module
 */

/** Text that is not valid JSON; `message` says where. */
export class OrderedJsonError extends SyntaxError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "OrderedJsonError";
  }
}

/** Parses `text`: objects become `Map`s in key order, everything else as `JSON.parse` gives it. */
export function parseOrderedJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new OrderedJsonError(`${what} at position ${i}`);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      const map = new Map<string, unknown>();
      space();
      if (text[i] === "}") {
        i++;
        return map;
      }
      while (true) {
        space();
        if (text[i] !== '"') fail("Expected a property name");
        const key = string();
        space();
        if (text[i++] !== ":") fail("Expected ':'");
        map.set(key, value());
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i++] === "}") return map;
        fail("Expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const list: unknown[] = [];
      space();
      if (text[i] === "]") {
        i++;
        return list;
      }
      while (true) {
        list.push(value());
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i++] === "]") return list;
        fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    const match = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      text.slice(i, i + 400),
    );
    if (!match) return fail(i >= text.length ? "Unexpected end of JSON" : "Unexpected token");
    i += match[0].length;
    return JSON.parse(match[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail("Unterminated string");
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const result = value();
  space();
  if (i < text.length) fail("Unexpected data after JSON");
  return result;
}
