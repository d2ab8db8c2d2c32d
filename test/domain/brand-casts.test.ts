/**
 * Instant, BusinessDate and Yen protect only if nothing forges them: a cast (`x as Instant`, `<Yen>x`,
 * `row as Discrepancy` for a shape holding one, through an alias or `as unknown as`) makes a value the
 * compiler then trusts. The TypeScript checker finds every cast in src/ whose target type holds a brand,
 * at any depth, and only the modules that check the invariants may have them: time.ts and money.ts (the
 * check functions and their arithmetic), and outages.ts at the boundary of its typed arrays. The counts
 * are exact, so a new cast even there is seen in review.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BRAND_MODULE = join(ROOT, 'src/domain/brand.ts');

const ALLOWED_CASTS: Record<string, number> = {
  'src/domain/money.ts': 5,
  'src/domain/outages.ts': 3,
  'src/domain/time.ts': 6,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function program(): ts.Program {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(
    config.config,
    ts.sys,
    ROOT,
  );
  return ts.createProgram(sourceFiles(join(ROOT, 'src')), options);
}

/** The brand a type holds (`'Instant'`, …), itself or in a member, element or property; null if none. */
function brandIn(
  checker: ts.TypeChecker,
  type: ts.Type,
  seen = new Set<ts.Type>(),
  depth = 0,
): string | null {
  if (seen.has(type) || depth > 6) return null;
  seen.add(type);
  if (type.isUnionOrIntersection())
    for (const member of type.types) {
      const brand = brandIn(checker, member, seen, depth + 1);
      if (brand !== null) return brand;
    }
  for (const property of type.getProperties()) {
    const declaration = property.declarations?.[0];
    if (declaration === undefined) continue;
    if (declaration.getSourceFile().fileName === BRAND_MODULE) {
      const brand = checker.getTypeOfSymbolAtLocation(property, declaration);
      return brand.isStringLiteral() ? brand.value : 'a brand';
    }
    // Properties of the project's own shapes (a Discrepancy, an Outage), not of the standard library.
    if (!declaration.getSourceFile().fileName.startsWith(join(ROOT, 'src')))
      continue;
    const inner = brandIn(
      checker,
      checker.getTypeOfSymbolAtLocation(property, declaration),
      seen,
      depth + 1,
    );
    if (inner !== null) return inner;
  }
  if (checker.isArrayType(type) || checker.isTupleType(type))
    for (const element of checker.getTypeArguments(type as ts.TypeReference)) {
      const brand = brandIn(checker, element, seen, depth + 1);
      if (brand !== null) return brand;
    }
  return null;
}

interface Cast {
  file: string;
  line: number;
  text: string;
  brand: string;
}

function castsToBrands(): Cast[] {
  const built = program();
  const checker = built.getTypeChecker();
  const casts: Cast[] = [];
  for (const source of built.getSourceFiles()) {
    if (!source.fileName.startsWith(join(ROOT, 'src'))) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
        const brand = brandIn(checker, checker.getTypeFromTypeNode(node.type));
        if (brand !== null)
          casts.push({
            file: relative(ROOT, source.fileName),
            line:
              source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            text: node.getText(),
            brand,
          });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return casts;
}

describe('casts to Instant, BusinessDate and Yen', () => {
  const casts = castsToBrands();

  it('are found, whatever form they take (the check sees the casts the minting modules make)', () => {
    const brands = new Set(casts.map((cast) => cast.brand));
    expect(brands).toEqual(new Set(['Instant', 'BusinessDate', 'Yen']));
  });

  it('appear only in the modules that check the invariants, as many as reviewed', () => {
    const elsewhere = casts.filter((cast) => !(cast.file in ALLOWED_CASTS));
    expect(
      elsewhere.map((cast) => `${cast.file}:${cast.line} ${cast.text}`),
    ).toEqual([]);
    const counts: Record<string, number> = {};
    for (const cast of casts) counts[cast.file] = (counts[cast.file] ?? 0) + 1;
    expect(counts).toEqual(ALLOWED_CASTS);
  });
});
