#!/usr/bin/env node
// A Node.js merchant integration on strong-soap: `soap.createClient(wsdlUrl, {}, cb)` on the
// served WSDL, then `client.<op>({request}, cb)` with no port chosen. strong-soap binds the
// operation to the last port it reads, the SOAP 1.2 one of an ASMX WSDL, and sends
// `application/soap+xml; charset=utf-8` with no `action=` parameter and no SOAPAction.
//
//   node strong_soap_call.js <wsdl-url> <operation> '<request JSON>'
//
// Prints JSON: the client's version, the `<op>Result` as strong-soap parsed it, the headers it
// sent (Content-Type, SOAPAction), the envelope namespace it used, and the BankProcessDate
// text as it crossed the wire.
'use strict';

const soap = require('strong-soap').soap;
const { version } = require('strong-soap/package.json');

function wireText(xml, element) {
  const match = new RegExp(`<(?:[\\w.-]+:)?${element}(?:\\s[^>]*)?>([^<]*)</`).exec(xml || '');
  return match ? match[1] : null;
}

function header(headers, name) {
  const key = Object.keys(headers || {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : headers[key];
}

function createClient(wsdl) {
  return new Promise((resolve, reject) => {
    soap.createClient(wsdl, {}, (error, client) => (error ? reject(error) : resolve(client)));
  });
}

function call(client, operation, args) {
  return new Promise((resolve, reject) => {
    client[operation](args, (error, result, envelope) => {
      if (error) {
        error.envelope = envelope;
        reject(error);
      } else {
        resolve(result);
      }
    });
  });
}

async function main() {
  const [wsdl, operation, requestJson] = process.argv.slice(2);
  if (!wsdl || !operation || requestJson === undefined) {
    throw new Error('usage: strong_soap_call.js <wsdl-url> <operation> <request-json>');
  }
  const client = await createClient(wsdl);
  let response;
  try {
    response = await call(client, operation, { request: JSON.parse(requestJson) });
  } finally {
    process.stderr.write(
      `--- request ${JSON.stringify(client.lastRequestHeaders)}\n${client.lastRequest}\n` +
        `--- response ${JSON.stringify(client.lastResponseHeaders)}\n${client.lastResponse}\n`,
    );
  }
  const value = response ? response[`${operation}Result`] : null;
  const envelope = /<(?:[\w.-]+:)?Envelope\b[^>]*\bxmlns(?::[\w.-]+)?="([^"]+\/soap-envelope|[^"]+\/soap\/envelope\/)"/
    .exec(client.lastRequest || '');
  process.stdout.write(
    JSON.stringify({
      client: `strong-soap ${version} (node ${process.version})`,
      result: value,
      request_content_type: header(client.lastRequestHeaders, 'Content-Type'),
      request_soap_action: header(client.lastRequestHeaders, 'SOAPAction'),
      request_envelope_ns: envelope ? envelope[1] : null,
      endpoint: client.lastEndpoint,
      response_content_type: header(client.lastResponseHeaders, 'Content-Type'),
      wire: { BankProcessDate: wireText(client.lastResponse, 'BankProcessDate') },
      types: {
        BankProcessDate: value && value.BankProcessDate instanceof Date ? 'Date' : typeof (value && value.BankProcessDate),
      },
    }) + '\n',
  );
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  if (error && error.envelope) process.stderr.write(`${error.envelope}\n`);
  process.exit(2);
});
