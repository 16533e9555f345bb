const http = require("node:http");
const ms = require("ms");

const started = Date.now();
http.createServer((req, res) => {
  res.end(`up for ${ms(Date.now() - started)}\n`);
}).listen(8080);
