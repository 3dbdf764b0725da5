/**
 * Every optional prop of a construct documents its default with `@default` (DESIGN.md conventions): the
 * optional members of every exported `*Props` / `*Options` / `*Provisioner` interface in lib/constructs, read from the source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../lib/constructs');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** `Interface.prop` of every optional member of a Props/Options interface in `text` without `@default`. */
function undocumentedDefaults(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && /(Props|Options|Provisioner)$/.test(node.name.text)) {
      for (const member of node.members) {
        if (ts.isPropertySignature(member) && member.questionToken && !ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'default')) {
          missing.push(`${node.name.text}.${member.name.getText(source)}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return missing;
}

test('every optional construct prop has a @default', () => {
  const missing = sourceFiles(ROOT).flatMap((file) => undocumentedDefaults(file, fs.readFileSync(file, 'utf8')).map((m) => `${path.relative(ROOT, file)}: ${m}`));
  expect(missing).toEqual([]);
});

test('the check sees a missing @default (it can fail)', () => {
  const text = 'export interface FooProps {\n  /** @default 1 */\n  readonly a?: number;\n  /** Without one. */\n  readonly b?: number;\n  readonly c: number;\n}\n';
  expect(undocumentedDefaults('x.ts', text)).toEqual(['FooProps.b']);
});
