import { parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { ScenarioSchema, type Scenario } from './ScenarioSchema.js';
import { ScenarioError } from './ScenarioError.js';

export interface LoadScenarioOptions {
  /** File name for error messages and for resolving relative resources. */
  file?: string;
}

/**
 * Parses and validates a scenario (YAML text). Throws ScenarioError naming the file, the YAML path of
 * the first offending key (with its line) and what was expected, before anything runs.
 */
export function loadScenario(text: string, options: LoadScenarioOptions = {}): Scenario {
  const file = options.file;
  const doc = parseDocument(text, { prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    const line = yamlError.linePos?.[0]?.line;
    throw new ScenarioError(`invalid YAML: ${yamlError.message.split('\n')[0] ?? ''}`, {
      context: { file: line === undefined ? file : `${file ?? '<scenario>'}:${line}`, expected: 'valid YAML' },
    });
  }
  const raw: unknown = doc.toJS();
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) throw toScenarioError(parsed.error, doc, text, file);
  const scenario: Scenario = parsed.data;
  if (file !== undefined) scenario.file = file;
  return scenario;
}

function toScenarioError(error: z.ZodError, doc: Document, text: string, file: string | undefined): ScenarioError {
  const issue = error.issues[0];
  if (issue === undefined) return new ScenarioError('invalid scenario', { context: { file } });
  const path = formatPath(issue.path);
  const line = lineOf(doc, text, issue.path);
  const where = file === undefined ? (line === undefined ? undefined : `<scenario>:${line}`) : line === undefined ? file : `${file}:${line}`;
  return new ScenarioError(`invalid scenario at ${path === '' ? '<root>' : path}: ${issue.message}`, {
    context: { file: where, field: path === '' ? '<root>' : path, expected: expectedOf(issue) },
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_value':
      return issue.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'unrecognized_keys':
      return `no unknown keys (found ${issue.keys.join(', ')})`;
    case 'too_small':
      return `${issue.origin === 'array' ? 'length' : 'value'} ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'array' ? 'length' : 'value'} ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    case 'invalid_union': {
      // A discriminated union with an unknown `type`: name the allowed values.
      const inObstacles = issue.path.includes('obstacles');
      const inShape = issue.path.includes('shape');
      if (inObstacles) return '"box" | "cylinder" | "wall"';
      if (inShape) return '"cylinder" | "box"';
      return 'one of the allowed forms (check `type`)';
    }
    default:
      return issue.message;
  }
}

/** Line (1-based) of the deepest existing node along `path`, so the user can jump to it. */
function lineOf(doc: Document, text: string, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range !== undefined && node.range !== null) {
      return text.slice(0, node.range[0]).split('\n').length;
    }
  }
  return undefined;
}
