#!/usr/bin/env node
// A legacy Node.js merchant integration: node-soap reads the served WSDL and calls one
// operation on its first port (SOAP 1.1), as `client.<op>Async({request})` does.
//
//   node ecollect_call.js <wsdl-url> <operation> '<request JSON>'
//
// Prints JSON: the client's version, the result object as node-soap parsed it, and the
// BankProcessDate text as it crossed the wire (node-soap turns xs:date/dateTime into a Date).
'use strict';

const fs = require('fs');
const path = require('path');
const soap = require('soap');

function soapVersion() {
  const manifest = path.join(path.dirname(require.resolve('soap')), '..', 'package.json');
  return JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
}

function wireText(xml, element) {
  const match = new RegExp(`<(?:[\\w.-]+:)?${element}(?:\\s[^>]*)?>([^<]*)</`).exec(xml || '');
  return match ? match[1] : null;
}

async function main() {
  const [wsdl, operation, requestJson] = process.argv.slice(2);
  if (!wsdl || !operation || requestJson === undefined) {
    throw new Error('usage: ecollect_call.js <wsdl-url> <operation> <request-json>');
  }
  const client = await soap.createClientAsync(wsdl, { disableCache: true });
  const [result, rawResponse] = await client[`${operation}Async`]({
    request: JSON.parse(requestJson),
  });
  const value = result ? result[`${operation}Result`] : null;
  const parsedDate = value && value.BankProcessDate;
  process.stdout.write(
    JSON.stringify({
      client: `node soap ${soapVersion()} (node ${process.version})`,
      result: value,
      wire: { BankProcessDate: wireText(rawResponse, 'BankProcessDate') },
      types: {
        BankProcessDate: parsedDate instanceof Date && !Number.isNaN(parsedDate.getTime())
          ? 'Date'
          : typeof parsedDate,
      },
    }) + '\n',
  );
}

main().catch((error) => {
  const fault = error && error.root && error.root.Envelope ? error.root.Envelope.Body : null;
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  if (fault) process.stderr.write(`${JSON.stringify(fault)}\n`);
  if (error && error.body) process.stderr.write(`${error.body}\n`);
  process.exit(2);
});
