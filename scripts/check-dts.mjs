// Fail when the emitted declaration of a public operation spells its success type out as an object
// literal (`Effect<{ readonly user_id: string; ... }>`) instead of naming it (`Effect<User>`):
// inlined, every hover and type error carries the whole struct. Reads dist/esm (run `npm run
// build` first), syntax only: every exported function or const of a public module whose type is, or
// returns, an Effect or a Stream is checked on its first type argument, the success type.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"

const root = new URL("..", import.meta.url).pathname
const dist = join(root, process.argv[2] ?? "dist/esm")

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "internal" ? [] : files(path)
    return path.endsWith(".d.ts") ? [path] : []
  })

const isEffectOrStream = (node) =>
  ts.isTypeReferenceNode(node) &&
  /(^|\.)(Effect|Stream)$/.test(node.typeName.getText()) &&
  (node.typeArguments?.length ?? 0) > 0

/** The Effect / Stream types an exported type stands for: itself, or what its functions return. */
const results = (node) => {
  if (node === undefined) return []
  if (isEffectOrStream(node)) return [node]
  if (ts.isFunctionTypeNode(node)) return results(node.type)
  if (ts.isParenthesizedTypeNode(node)) return results(node.type)
  if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) return node.types.flatMap(results)
  if (ts.isTypeLiteralNode(node)) {
    return node.members.flatMap((member) => (ts.isCallSignatureDeclaration(member) ? results(member.type) : []))
  }
  return []
}

const inlined = (node) => {
  let found
  const visit = (child) => {
    if (found) return
    if (ts.isTypeLiteralNode(child) || ts.isMappedTypeNode(child)) found = child
    else ts.forEachChild(child, visit)
  }
  visit(node)
  return found
}

const problems = []
let checked = 0
for (const file of files(dist)) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
  const exported = (node) => node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false
  const check = (name, type) => {
    for (const result of results(type)) {
      checked++
      const success = result.typeArguments[0]
      const literal = inlined(success)
      if (literal) {
        const { line } = source.getLineAndCharacterOfPosition(success.getStart())
        problems.push(
          `${relative(root, file)}:${line + 1} ${name}: success type inlines ${literal.getText().slice(0, 80).replace(/\s+/g, " ")}…`
        )
      }
    }
  }
  const visit = (node) => {
    if (ts.isVariableStatement(node) && exported(node)) {
      for (const declaration of node.declarationList.declarations) check(declaration.name.getText(), declaration.type)
    } else if (ts.isFunctionDeclaration(node) && exported(node) && node.name) {
      check(node.name.getText(), node.type)
    } else if (ts.isModuleDeclaration(node) && node.body) {
      ts.forEachChild(node.body, visit)
    }
  }
  ts.forEachChild(source, visit)
}

if (checked === 0) {
  console.error(`check-dts: no operation declarations found under ${relative(root, dist)}; run \`npm run build\``)
  process.exit(1)
}
if (problems.length > 0) {
  console.error(`check-dts: ${problems.length} public declarations inline their success type:\n${problems.join("\n")}`)
  process.exit(1)
}
console.log(`check-dts: ${checked} public Effect/Stream declarations name their success types`)
