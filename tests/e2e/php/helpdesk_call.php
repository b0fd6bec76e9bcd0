<?php
// A PHP portal or back-office script calling the helpdesk (MesaDeAyuda.asmx) with ext-soap in
// WSDL mode, as such code is written: SOAP_SINGLE_ELEMENT_ARRAYS, the request wrapped in its
// `request` element, stdClass results.
//
//   php helpdesk_call.php <wsdl-url> <operation> '<request JSON>' [--soap12]
//
// Prints JSON: {"result": <the <operation>Result as arrays>, "request_content_type": ...}.
// A "base64:" prefix in a request string value sends those bytes (ext-soap encodes
// base64Binary itself).

require __DIR__ . '/ext_soap.php';

if ($argc < 4) {
    fwrite(STDERR, "usage: php helpdesk_call.php <wsdl-url> <operation> <request-json> [--soap12]\n");
    exit(64);
}
list(, $wsdl, $operation, $json) = $argv;
$soap12 = in_array('--soap12', $argv, true);

function decode_binaries($value)
{
    if (is_array($value)) {
        return array_map('decode_binaries', $value);
    }
    if (is_string($value) && strncmp($value, 'base64:', 7) === 0) {
        return base64_decode(substr($value, 7));
    }
    return $value;
}

function plain($value)
{
    if (is_object($value)) {
        $value = get_object_vars($value);
    }
    if (is_array($value)) {
        return array_map('plain', $value);
    }
    if (is_string($value) && preg_match('//u', $value) !== 1) {  // not UTF-8: binary
        return 'base64:' . base64_encode($value);
    }
    return $value;
}

$client = new SoapClient($wsdl, ext_soap_options($soap12));

$request = decode_binaries(json_decode($json, true));
$response = call_or_exit($client, $operation, array('request' => $request));
$member = $operation . 'Result';
preg_match('/^Content-Type:\s*(.*)$/mi', $client->__getLastRequestHeaders(), $contentType);
echo json_encode(array(
    'client' => 'PHP ' . PHP_VERSION . ' ext-soap',
    'result' => plain($response->$member),
    'request_content_type' => trim(isset($contentType[1]) ? $contentType[1] : ''),
)), "\n";
