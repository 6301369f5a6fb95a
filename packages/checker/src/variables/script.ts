/**
 * How nginx reads the variables out of a value it compiles into a script
 * (ngx_http_script_compile, ngx_stream_script_compile; the two read alike):
 *   `$name` — letters, digits and `_`, as many as follow;
 *   `${name}` — the same inside braces, so that a name can be followed by a letter;
 *   `$1` … `$9` — a regular expression's capture, not a variable (`$0` is a variable named "0").
 * A `$` with no name after it is "invalid variable name"; `${name` without its `}` is "the
 * closing bracket in "name" variable is missing". nginx stops at the first of these, after
 * indexing the variables before it.
 *
 * log_format reads its formats with a loop of its own (ngx_http_log_compile_format): the same
 * names, but no captures (`$1` is a variable named "1"), and a `$` with no name is
 * `invalid parameter "$..."` with the rest of the word.
 */

export interface VariableUse {
  /** As written; nginx looks names up in lower case. */
  name: string;
  /** Offset of the `$` in the value. */
  at: number;
}

export interface ScriptScan {
  variables: VariableUse[];
  /** nginx's message for the first malformed reference, or null. */
  error: string | null;
}

const isNameChar = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;

/** The variables a compiled value refers to, and the first error nginx would give. */
export function scanScript(value: string, log = false): ScriptScan {
  const variables: VariableUse[] = [];
  let i = value.indexOf('$');
  while (i !== -1) {
    const at = i;
    const invalid = log ? `invalid parameter "${value.slice(at)}"` : 'invalid variable name';
    if (++i === value.length) return { variables, error: invalid };
    const first = value.charCodeAt(i);
    if (!log && first >= 49 && first <= 57) {
      // A capture: one digit, whatever follows.
      i = value.indexOf('$', i + 1);
      continue;
    }
    let bracket = first === 123; // '{'
    if (bracket && ++i === value.length) return { variables, error: invalid };
    const start = i;
    let end = i;
    for (; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c === 125 && bracket) {
        end = i;
        i++;
        bracket = false;
        break;
      }
      if (!isNameChar(c)) break;
      end = i + 1;
    }
    if (bracket) return { variables, error: `the closing bracket in "${value.slice(start, i)}" variable is missing` };
    if (end === start) return { variables, error: invalid };
    variables.push({ name: value.slice(start, end), at });
    i = value.indexOf('$', i);
  }
  return { variables, error: null };
}
