/**
 * The hand-curated mail, main and events entries must agree with nginx's own command tables
 * (data/commands.json, generated from the sources) in every version the tables cover.
 */
import { describe, expect, it } from 'vitest';
import {
  COMMAND_TABLE,
  CORE_DIRECTIVES,
  MAIL_DIRECTIVES,
  MAIL_MODULES,
  compareVersions,
  getProfile,
  inRange,
  type DirectiveSpec,
} from '@mailconf/schema';

const curated: DirectiveSpec[] = [...MAIL_DIRECTIVES, ...CORE_DIRECTIVES];
const versions = COMMAND_TABLE.versions;

/** Form of a curated spec at a version: the variant's arity if one applies. */
function arityAt(spec: DirectiveSpec, version: string) {
  return spec.variants?.find((v) => inRange(version, v.since, v.until))?.arity ?? spec.arity;
}

describe('curated entries match the command tables', () => {
  it.each(curated.map((s) => [s.module, s.name, s] as const))('%s %s', (_module, _name, spec) => {
    const records = COMMAND_TABLE.directives.filter((r) => r.module === spec.module && r.name === spec.name);
    expect(records.length).toBeGreaterThan(0);
    for (const version of versions) {
      const record = records.find((r) => inRange(version, r.since, r.until));
      const expectedPresent = inRange(version, spec.since, spec.removedIn);
      expect(record !== undefined, `${spec.name} present in ${version}`).toBe(expectedPresent);
      if (!record) continue;
      expect(record.contexts, `${spec.name} contexts in ${version}`).toEqual(spec.contexts);
      expect(record.arity, `${spec.name} arity in ${version}`).toEqual(arityAt(spec, version));
      expect(record.block).toBe(spec.block);
      if (spec.block) expect(record.body).toBe(spec.body);
    }
  });

  it('every directive of the mail modules is curated', () => {
    const modules = new Set<string>(MAIL_MODULES);
    const inTables = new Set(
      COMMAND_TABLE.directives.filter((r) => modules.has(r.module)).map((r) => `${r.module} ${r.name}`),
    );
    const inCurated = new Set(MAIL_DIRECTIVES.map((s) => `${s.module} ${s.name}`));
    expect([...inTables].sort()).toEqual([...inCurated].sort());
  });

  it('every main and events directive of the Debian build and the newest full build is curated', () => {
    for (const profile of [getProfile('1.22.1'), getProfile()]) {
      for (const ctx of ['main', 'events'] as const) {
        for (const name of profile.namesIn(ctx)) {
          const spec = profile.allowedIn(name, ctx);
          expect(spec?.exact, `${name} in ${ctx} (${profile.version})`).toBe(true);
          if (!spec?.block) expect(spec?.value, `${name} has a value type`).toBeDefined();
        }
      }
    }
  });

  it('mail and server directives carry value types, and blocks say what they open', () => {
    for (const spec of MAIL_DIRECTIVES) {
      if (spec.block) expect(spec.body).toBeDefined();
      else expect(spec.value, spec.name).toBeDefined();
      if (spec.contexts.includes('mail') && spec.contexts.includes('mail:server')) expect(spec.inherits).toBe(true);
    }
  });

  it('versions are ordered', () => {
    for (const spec of curated) {
      if (spec.since && spec.removedIn) expect(compareVersions(spec.since, spec.removedIn)).toBeLessThan(0);
      if (spec.deprecatedIn && spec.removedIn) expect(compareVersions(spec.deprecatedIn, spec.removedIn)).toBeLessThan(0);
      const variants = spec.variants ?? [];
      for (let i = 1; i < variants.length; i++) expect(variants[i]!.since).toBe(variants[i - 1]!.until);
    }
    const sorted = [...versions].sort(compareVersions);
    expect(versions).toEqual(sorted);
  });
});
