const express = require("express");

const app = express();
app.get("/orders/:id", (req, res) => res.json({ id: req.params.id, status: "shipped" }));
app.get("/healthz", (req, res) => res.send("ok"));
app.listen(process.env.PORT || 3000);
