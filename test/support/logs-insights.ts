/**
 * A small CloudWatch Logs Insights interpreter for the commands the saved queries use (fields,
 * filter, stats ... by, sort, limit, display), run on captured log lines the way Logs Insights
 * reads a Lambda log group: each JSON line's fields discovered and flattened (`raw.agreement`,
 * `failures.0.kind`), `@timestamp` and `@message` from the line. Anything outside that subset is
 * refused with the query text's position, never guessed at.
 *
 * Semantics followed (CloudWatch Logs User Guide, "CloudWatch Logs Insights language query
 * syntax"): `fields` adds computed fields and chooses the columns without hiding the others from
 * later commands; `filter` keeps the events whose condition holds; a comparison with a field the
 * event does not carry is false; `stats` groups by the `by` expressions; `latest`/`earliest` take
 * the value of the event with the latest/earliest @timestamp; `sort` orders by one field.
 */

export type Value = string | number | boolean | null;
export type LogEvent = Record<string, Value>;

export class LogsInsightsSyntaxError extends Error {
  constructor(message: string, query: string, position: number) {
    super(`${message} at ${position} in: ${query.slice(position, position + 40)}`);
    this.name = 'LogsInsightsSyntaxError';
  }
}

// ---- Lexer ----

type Token =
  | { type: 'name'; text: string; quoted: boolean; at: number }
  | { type: 'string'; text: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'op'; text: string; at: number };

const OPERATORS = [
  '!=',
  '<=',
  '>=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '(',
  ')',
  '[',
  ']',
  ',',
  '|',
];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '#') {
      while (i < query.length && query[i] !== '\n') i += 1;
    } else if (c === '"' || c === "'") {
      const end = query.indexOf(c, i + 1);
      if (end === -1) throw new LogsInsightsSyntaxError('unterminated string', query, i);
      tokens.push({ type: 'string', text: query.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (c === '`') {
      const end = query.indexOf('`', i + 1);
      if (end === -1) throw new LogsInsightsSyntaxError('unterminated `name`', query, i);
      tokens.push({ type: 'name', text: query.slice(i + 1, end), quoted: true, at: i });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(query.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_@]/.test(c)) {
      const match = /^@?[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
      if (match === null) throw new LogsInsightsSyntaxError('bad name', query, i);
      tokens.push({ type: 'name', text: match[0], quoted: false, at: i });
      i += match[0].length;
    } else {
      const op = OPERATORS.find((o) => query.startsWith(o, i));
      if (op === undefined) throw new LogsInsightsSyntaxError(`unexpected "${c}"`, query, i);
      tokens.push({ type: 'op', text: op, at: i });
      i += op.length;
    }
  }
  return tokens;
}

// ---- Parser ----

export type Expr =
  | { kind: 'field'; name: string }
  | { kind: 'literal'; value: Value }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'call'; name: string; args: Expr[]; star: boolean }
  | { kind: 'unary'; op: 'not' | '-'; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr };

export interface Projection {
  expr: Expr;
  alias: string | undefined;
}

export type Command =
  | { command: 'fields'; projections: Projection[] }
  | { command: 'display'; projections: Projection[] }
  | { command: 'filter'; condition: Expr }
  | { command: 'stats'; aggregates: Projection[]; by: Projection[] }
  | { command: 'sort'; keys: Array<{ expr: Expr; descending: boolean }> }
  | { command: 'limit'; count: number };

const AGGREGATES = new Set(['count', 'latest', 'earliest', 'max', 'min', 'avg', 'sum']);
const FUNCTIONS = new Set(['ispresent']);

class Parser {
  private index = 0;
  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Command[] {
    const commands: Command[] = [];
    do {
      commands.push(this.command());
    } while (this.takeOp('|'));
    if (this.peek() !== undefined) this.fail('expected | or the end of the query');
    return commands;
  }

  private command(): Command {
    const name = this.name().toLowerCase();
    switch (name) {
      case 'fields':
      case 'display':
        return { command: name, projections: this.projections() };
      case 'filter':
        return { command: 'filter', condition: this.expression() };
      case 'stats': {
        const aggregates = this.projections();
        for (const { expr } of aggregates) {
          if (expr.kind !== 'call' || !AGGREGATES.has(expr.name)) {
            this.fail('stats takes aggregate functions');
          }
        }
        const by = this.takeKeyword('by') ? this.projections() : [];
        return { command: 'stats', aggregates, by };
      }
      case 'sort': {
        const keys: Array<{ expr: Expr; descending: boolean }> = [];
        do {
          const expr = this.additive();
          const descending = this.takeKeyword('desc');
          if (!descending) this.takeKeyword('asc');
          keys.push({ expr, descending });
        } while (this.takeOp(','));
        return { command: 'sort', keys };
      }
      case 'limit': {
        const token = this.next();
        if (token?.type !== 'number') this.fail('limit takes a number');
        return { command: 'limit', count: (token as { value: number }).value };
      }
      default:
        return this.fail(`the command "${name}" is not one this interpreter knows`);
    }
  }

  private projections(): Projection[] {
    const out: Projection[] = [];
    do {
      const expr = this.expression();
      const alias = this.takeKeyword('as') ? this.name() : undefined;
      out.push({ expr, alias });
    } while (this.takeOp(','));
    return out;
  }

  private expression(): Expr {
    let left = this.conjunction();
    while (this.takeKeyword('or'))
      left = { kind: 'binary', op: 'or', left, right: this.conjunction() };
    return left;
  }

  private conjunction(): Expr {
    let left = this.negation();
    while (this.takeKeyword('and'))
      left = { kind: 'binary', op: 'and', left, right: this.negation() };
    return left;
  }

  private negation(): Expr {
    if (this.takeKeyword('not')) return { kind: 'unary', op: 'not', operand: this.negation() };
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token?.type === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.index += 1;
      return { kind: 'binary', op: token.text, left, right: this.additive() };
    }
    if (this.takeKeyword('in')) return { kind: 'binary', op: 'in', left, right: this.additive() };
    if (this.peekKeyword('not') && this.peekKeyword('in', 1)) {
      this.index += 2;
      const inside: Expr = { kind: 'binary', op: 'in', left, right: this.additive() };
      return { kind: 'unary', op: 'not', operand: inside };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const op = this.takeOp('+') ? '+' : this.takeOp('-') ? '-' : undefined;
      if (op === undefined) return left;
      left = { kind: 'binary', op, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.takeOp('*') ? '*' : this.takeOp('/') ? '/' : undefined;
      if (op === undefined) return left;
      left = { kind: 'binary', op, left, right: this.unary() };
    }
  }

  private unary(): Expr {
    if (this.takeOp('-')) return { kind: 'unary', op: '-', operand: this.unary() };
    return this.primary();
  }

  private primary(): Expr {
    const token = this.next();
    if (token === undefined) return this.fail('unexpected end of the query');
    if (token.type === 'string') return { kind: 'literal', value: token.text };
    if (token.type === 'number') return { kind: 'literal', value: token.value };
    if (token.type === 'op' && token.text === '(') {
      const inner = this.expression();
      this.expectOp(')');
      return inner;
    }
    if (token.type === 'op' && token.text === '[') {
      const items: Expr[] = [];
      if (!this.takeOp(']')) {
        do items.push(this.additive());
        while (this.takeOp(','));
        this.expectOp(']');
      }
      return { kind: 'list', items };
    }
    if (token.type === 'name') {
      if (!token.quoted && this.takeOp('(')) {
        const name = token.text.toLowerCase();
        if (!AGGREGATES.has(name) && !FUNCTIONS.has(name)) {
          this.index -= 1;
          return this.fail(`the function "${token.text}" is not one this interpreter knows`);
        }
        if (this.takeOp('*')) {
          this.expectOp(')');
          return { kind: 'call', name, args: [], star: true };
        }
        const args: Expr[] = [];
        if (!this.takeOp(')')) {
          do args.push(this.expression());
          while (this.takeOp(','));
          this.expectOp(')');
        }
        return { kind: 'call', name, args, star: false };
      }
      return { kind: 'field', name: token.text };
    }
    this.index -= 1;
    return this.fail('expected a value');
  }

  private name(): string {
    const token = this.next();
    if (token?.type !== 'name') {
      this.index -= token === undefined ? 0 : 1;
      return this.fail('expected a name');
    }
    return token.text;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token !== undefined) this.index += 1;
    return token;
  }

  private takeOp(text: string): boolean {
    const token = this.peek();
    if (token?.type === 'op' && token.text === text) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private expectOp(text: string): void {
    if (!this.takeOp(text)) this.fail(`expected "${text}"`);
  }

  private peekKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'name' && !token.quoted && token.text.toLowerCase() === word;
  }

  private takeKeyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.index += 1;
    return true;
  }

  private fail(message: string): never {
    const at = this.peek()?.at ?? this.query.length;
    throw new LogsInsightsSyntaxError(message, this.query, at);
  }
}

/** The commands of a query, or a LogsInsightsSyntaxError naming where it stopped. */
export function parseQuery(query: string): Command[] {
  return new Parser(query, tokenize(query)).parse();
}

// ---- What a query names ----

const SYSTEM_FIELDS = new Set(['@timestamp', '@message', '@log', '@logStream', '@ingestionTime']);

/** The name a projection's column gets: its alias, a field's name, or the expression's text. */
function columnName(projection: Projection): string {
  if (projection.alias !== undefined) return projection.alias;
  if (projection.expr.kind === 'field') return projection.expr.name;
  if (projection.expr.kind === 'call') {
    const args = projection.expr.star ? '*' : projection.expr.args.map(exprText).join(', ');
    return `${projection.expr.name}(${args})`;
  }
  return exprText(projection.expr);
}

function exprText(expr: Expr): string {
  switch (expr.kind) {
    case 'field':
      return expr.name;
    case 'literal':
      return JSON.stringify(expr.value);
    case 'list':
      return `[${expr.items.map(exprText).join(', ')}]`;
    case 'call':
      return `${expr.name}(${expr.star ? '*' : expr.args.map(exprText).join(', ')})`;
    case 'unary':
      return `${expr.op} ${exprText(expr.operand)}`;
    case 'binary':
      return `${exprText(expr.left)} ${expr.op} ${exprText(expr.right)}`;
  }
}

function fieldsOf(expr: Expr, into: string[]): string[] {
  switch (expr.kind) {
    case 'field':
      into.push(expr.name);
      break;
    case 'list':
      for (const item of expr.items) fieldsOf(item, into);
      break;
    case 'call':
      for (const arg of expr.args) fieldsOf(arg, into);
      break;
    case 'unary':
      fieldsOf(expr.operand, into);
      break;
    case 'binary':
      fieldsOf(expr.left, into);
      fieldsOf(expr.right, into);
      break;
    case 'literal':
      break;
  }
  return into;
}

export interface NamedField {
  field: string;
  /** The command that names it: fields, filter, stats, stats by, sort, display. */
  where: string;
}

/**
 * The log fields a query reads, command by command: every name in `fields`, `filter`, `stats`
 * (aggregates and `by`), `sort` and `display` that is not a system field (@timestamp, ...) and
 * not a column an earlier command made (an alias, a stats result).
 */
export function namedFields(commands: Command[]): NamedField[] {
  const made = new Set<string>();
  const found: NamedField[] = [];
  const read = (expr: Expr, where: string) => {
    for (const field of fieldsOf(expr, [])) {
      if (!SYSTEM_FIELDS.has(field) && !made.has(field)) found.push({ field, where });
    }
  };
  for (const command of commands) {
    switch (command.command) {
      case 'fields':
      case 'display':
        for (const projection of command.projections) {
          read(projection.expr, command.command);
          made.add(columnName(projection));
        }
        break;
      case 'filter':
        read(command.condition, 'filter');
        break;
      case 'stats':
        for (const aggregate of command.aggregates) read(aggregate.expr, 'stats');
        for (const key of command.by) read(key.expr, 'stats by');
        for (const projection of [...command.aggregates, ...command.by]) {
          made.add(columnName(projection));
        }
        break;
      case 'sort':
        for (const key of command.keys) read(key.expr, 'sort');
        break;
      case 'limit':
        break;
    }
  }
  return found;
}

// ---- Running a query ----

/**
 * A log line as Logs Insights sees it: its JSON fields flattened with dots, arrays by index;
 * `@timestamp` (epoch ms) from the line's own `timestamp`, `@message` the line itself.
 */
export function logEvent(line: string): LogEvent {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  const event: LogEvent = {};
  const flatten = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        flatten(inner, path === '' ? key : `${path}.${key}`);
      }
    } else if (path !== '') {
      event[path] = value as Value;
    }
  };
  flatten(parsed, '');
  const time = Date.parse(String(parsed.timestamp));
  if (Number.isNaN(time)) throw new Error(`a log line without a timestamp: ${line}`);
  event['@timestamp'] = time;
  event['@message'] = line;
  return event;
}

/** Whether an event carries a field, with a value (a JSON null is no value). */
export function carries(event: LogEvent, field: string): boolean {
  return event[field] !== undefined && event[field] !== null;
}

function evaluate(expr: Expr, event: LogEvent): Value | Value[] {
  switch (expr.kind) {
    case 'field':
      return event[expr.name] ?? null;
    case 'literal':
      return expr.value;
    case 'list':
      return expr.items.map((item) => evaluate(item, event) as Value);
    case 'call':
      if (expr.name === 'ispresent') {
        const [arg] = expr.args;
        return arg?.kind === 'field' ? carries(event, arg.name) : false;
      }
      throw new Error(`${expr.name}() aggregates: it belongs in stats`);
    case 'unary': {
      const value = evaluate(expr.operand, event);
      if (expr.op === 'not') return !truthy(value);
      return typeof value === 'number' ? -value : null;
    }
    case 'binary':
      return binary(expr, event);
  }
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, event: LogEvent): Value {
  if (expr.op === 'and')
    return truthy(evaluate(expr.left, event)) && truthy(evaluate(expr.right, event));
  if (expr.op === 'or')
    return truthy(evaluate(expr.left, event)) || truthy(evaluate(expr.right, event));
  const left = evaluate(expr.left, event);
  const right = evaluate(expr.right, event);
  if (expr.op === 'in') {
    if (!Array.isArray(right)) throw new Error('in takes a list');
    return left !== null && !Array.isArray(left) && right.some((item) => same(left, item));
  }
  if (left === null || right === null || Array.isArray(left) || Array.isArray(right)) {
    // A comparison with a field the event does not carry holds for no event.
    return ['+', '-', '*', '/'].includes(expr.op) ? null : false;
  }
  switch (expr.op) {
    case '=':
      return same(left, right);
    case '!=':
      return !same(left, right);
    case '<':
      return order(left, right) < 0;
    case '<=':
      return order(left, right) <= 0;
    case '>':
      return order(left, right) > 0;
    case '>=':
      return order(left, right) >= 0;
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') return null;
      if (expr.op === '+') return left + right;
      if (expr.op === '-') return left - right;
      if (expr.op === '*') return left * right;
      return left / right;
    }
  }
}

function truthy(value: Value | Value[]): boolean {
  return value === true;
}

function same(a: Value, b: Value): boolean {
  return typeof a === typeof b ? a === b : String(a) === String(b);
}

function order(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export type Row = Record<string, Value>;

export interface QueryRun {
  /** The events the query's filters keep, before any stats, sort or limit: the lines it reads. */
  selected: LogEvent[];
  /** What the console would show, column by column. */
  rows: Row[];
}

/** Runs parsed commands on events, as Logs Insights would run the query on those lines. */
export function runQuery(commands: Command[], events: LogEvent[]): QueryRun {
  let current: LogEvent[] = [...events];
  let columns: string[] | undefined;
  let selected: LogEvent[] | undefined;
  for (const command of commands) {
    switch (command.command) {
      case 'fields':
      case 'display':
        current = current.map((event) => {
          const out = { ...event };
          for (const projection of command.projections) {
            out[columnName(projection)] = evaluate(projection.expr, event) as Value;
          }
          return out;
        });
        columns = command.projections.map(columnName);
        break;
      case 'filter':
        // Rows of stats, or a sorted and cut list, are not lines: a later filter is refused.
        if (selected !== undefined) throw new Error('filter after stats, sort or limit');
        current = current.filter((event) => truthy(evaluate(command.condition, event)));
        break;
      case 'stats':
        selected ??= current;
        current = stats(command, current);
        columns = [...command.by, ...command.aggregates].map(columnName);
        break;
      case 'sort': {
        selected ??= current;
        const [key, ...more] = command.keys;
        if (key === undefined || more.length > 0) throw new Error('sort by one field');
        current = [...current].sort((a, b) => {
          const x = evaluate(key.expr, a) as Value;
          const y = evaluate(key.expr, b) as Value;
          const result = x === null ? 1 : y === null ? -1 : order(x, y);
          return key.descending && x !== null && y !== null ? -result : result;
        });
        break;
      }
      case 'limit':
        selected ??= current;
        current = current.slice(0, command.count);
        break;
    }
  }
  const rows = current.map((event) =>
    columns === undefined ? event : Object.fromEntries(columns.map((c) => [c, event[c] ?? null])),
  );
  return { selected: selected ?? current, rows };
}

function stats(command: Extract<Command, { command: 'stats' }>, events: LogEvent[]): LogEvent[] {
  const groups = new Map<string, LogEvent[]>();
  for (const event of events) {
    const key = JSON.stringify(command.by.map((by) => evaluate(by.expr, event)));
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as LogEvent;
    const row: LogEvent = {};
    for (const by of command.by) row[columnName(by)] = evaluate(by.expr, first) as Value;
    for (const aggregate of command.aggregates) {
      row[columnName(aggregate)] = aggregateOf(
        aggregate.expr as Extract<Expr, { kind: 'call' }>,
        group,
      );
    }
    return row;
  });
}

function aggregateOf(call: Extract<Expr, { kind: 'call' }>, group: LogEvent[]): Value {
  if (call.name === 'count' && call.star) return group.length;
  const [arg] = call.args;
  if (arg === undefined) throw new Error(`${call.name}() needs an argument`);
  const withValue = group
    .map((event) => ({ event, value: evaluate(arg, event) as Value }))
    .filter(({ value }) => value !== null);
  const byTime = [...withValue].sort(
    (a, b) => (a.event['@timestamp'] as number) - (b.event['@timestamp'] as number),
  );
  const numbers = withValue
    .map(({ value }) => value)
    .filter((v): v is number => typeof v === 'number');
  switch (call.name) {
    case 'count':
      return withValue.length;
    case 'latest':
      return byTime.at(-1)?.value ?? null;
    case 'earliest':
      return byTime[0]?.value ?? null;
    case 'max':
      return numbers.length === 0 ? null : Math.max(...numbers);
    case 'min':
      return numbers.length === 0 ? null : Math.min(...numbers);
    case 'sum':
      return numbers.reduce((total, n) => total + n, 0);
    case 'avg':
      return numbers.length === 0 ? null : numbers.reduce((t, n) => t + n, 0) / numbers.length;
    default:
      throw new Error(`the aggregate ${call.name}() is not one this interpreter knows`);
  }
}
