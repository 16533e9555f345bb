import express from "express";

const greeting = "hello from a compiled TypeScript service";

export const app = express();
app.get("/", (_req, res) => res.send(greeting));

if (process.argv.includes("--selftest")) {
  // Loads express (a production dependency) and the compiled code, then exits: the smoke test.
  console.log(`${greeting}: express routes ${app._router.stack.length}`);
} else {
  app.listen(Number(process.env.PORT ?? 8080));
}
