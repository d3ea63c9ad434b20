// Regenerates cli_ignore_verdicts.json: what the Appwrite CLI (TypeScript >= 17.3)
// decides for each (rules, path) pair, using the same `ignore` package it ships
// (7.0.5) and its way of stacking rule sets: `.git` + the function's `ignore`,
// then the root .gitignore, then nested .gitignore files (each relative to its
// own directory); the last rule set with an opinion wins.
//
//   npm install ignore@7.0.5 && node cli_ignore_verdicts.mjs
import fs from "fs";
import path from "path";
import ignore from "ignore";

const here = path.dirname(new URL(import.meta.url).pathname);
const file = path.join(here, "cli_ignore_verdicts.json");
const data = JSON.parse(fs.readFileSync(file, "utf8"));

const ruleSets = (config) => {
  const own = typeof config.ignore === "string" ? [config.ignore] : config.ignore || [];
  const root = ignore();
  for (const rule of [".git", ...own]) root.add(rule);
  const sets = [{ base: "", rules: root }];
  if (config.gitignore != null) sets.push({ base: "", rules: ignore().add(config.gitignore) });
  for (const [base, text] of config.nested || []) sets.push({ base, rules: ignore().add(text) });
  return sets;
};

const isIgnored = (sets, relative, isDirectory) => {
  let ignored = false;
  for (const { base, rules } of sets) {
    if (base !== "" && relative !== base && !relative.startsWith(`${base}/`)) continue;
    const local = base === "" ? relative : path.posix.relative(base, relative);
    if (local === "") continue; // a rule set never judges its own directory
    const result = rules.test(isDirectory ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
};

data.ignored = data.configs.map((config) => {
  const sets = ruleSets(config);
  return data.paths.map(([p, dir]) => (isIgnored(sets, p, dir) ? "1" : "0")).join("");
});
fs.writeFileSync(file, JSON.stringify(data, null, 1) + "\n");
