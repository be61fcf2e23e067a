/**
 * `text/plain` of any value, as a REPL prints it: strings quoted inside structures, long collections cut,
 * typed arrays, Maps, Sets, dates, bigints and cycles shown for what they are.
 */

const MAX_ITEMS = 20;
const MAX_DEPTH = 3;
const MAX_STRING = 200;

export function inspect(value: unknown): string {
  return show(value, 0, new Set(), true);
}

function show(value: unknown, depth: number, seen: Set<unknown>, top: boolean): string {
  switch (typeof value) {
    case 'string':
      return top ? value : JSON.stringify(cut(value));
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function': {
      const name = value.name || '(anonymous)';
      return /^class\b/.test(Function.prototype.toString.call(value))
        ? `[class ${name}]`
        : `[Function ${name}]`;
    }
  }
  if (value === null) {
    return 'null';
  }
  if (seen.has(value)) {
    return '[Circular]';
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (value instanceof RegExp) {
    return String(value);
  }
  if (value instanceof Error) {
    return value.stack ?? `${value.name}: ${value.message}`;
  }
  if (typeof (value as PromiseLike<unknown>).then === 'function') {
    return 'Promise { <pending> }';
  }
  seen.add(value);
  try {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const items = Array.from(value as unknown as ArrayLike<number | bigint>);
      return `${value.constructor.name}(${items.length}) ${list(items, depth, seen, '[', ']')}`;
    }
    if (Array.isArray(value)) {
      return depth >= MAX_DEPTH ? '[Array]' : list(value, depth, seen, '[', ']');
    }
    if (value instanceof Map) {
      const entries = [...value].map(
        ([k, v]) => `${show(k, depth + 1, seen, false)} => ${show(v, depth + 1, seen, false)}`
      );
      return `Map(${value.size}) ${wrap(entries, value.size, '{', '}')}`;
    }
    if (value instanceof Set) {
      return `Set(${value.size}) ${list([...value], depth, seen, '{', '}')}`;
    }
    const object = value as object;
    const name = (object.constructor as { name?: string } | undefined)?.name;
    const prefix = name && name !== 'Object' ? `${name} ` : '';
    if (depth >= MAX_DEPTH) {
      return `[${name || 'Object'}]`;
    }
    const keys = Object.keys(object);
    const entries = keys
      .slice(0, MAX_ITEMS)
      .map(
        k =>
          `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${show(
            (value as Record<string, unknown>)[k],
            depth + 1,
            seen,
            false
          )}`
      );
    return prefix + wrap(entries, keys.length, '{', '}');
  } finally {
    seen.delete(value);
  }
}

function list(items: unknown[], depth: number, seen: Set<unknown>, open: string, close: string) {
  const shown = items.slice(0, MAX_ITEMS).map(v => show(v, depth + 1, seen, false));
  return wrap(shown, items.length, open, close);
}

function wrap(parts: string[], total: number, open: string, close: string): string {
  if (total > parts.length) {
    parts.push(`… ${total - parts.length} more`);
  }
  if (parts.length === 0) {
    return `${open}${close}`;
  }
  const oneLine = `${open} ${parts.join(', ')} ${close}`;
  if (oneLine.length <= 100 && !oneLine.includes('\n')) {
    return oneLine;
  }
  return `${open}\n${parts.map(p => '  ' + p.replace(/\n/g, '\n  ')).join(',\n')}\n${close}`;
}

function cut(text: string): string {
  return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
}
