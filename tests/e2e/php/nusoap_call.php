<?php
// Legacy PHP merchant integrations built on nusoap 0.9.5 (Debian libnusoap-php, a copy patched
// for PHP 8 by nusoap_patch.sh), calling one operation in one of three styles:
//
//   php nusoap_call.php <nusoap-dir> <wsdl-url> <operation> '<request JSON>' <mode>
//
//   array  WSDL mode, PHP arrays, nusoap defaults (ISO-8859-1): call($op, ['request' => [...]]).
//          Strings are handed to nusoap as ISO-8859-1 bytes, as an application using nusoap's
//          default encoding holds them (nusoap itself never transcodes what it sends).
//   xml    WSDL mode with the body as a raw XML string, as the university client writes it:
//          call($op, $xmlString, '', '', false, false); single-quoted xmlns, `<request >`, a
//          trailing space inside TransValue, members unknown to v2 (PaymentDesc, UserType,
//          PaymentSystem, FICode), `<URLResponse ></URLResponse>` and `<FICode/>`. The request
//          JSON's strings are written as given (a trailing space in a reference stays).
//   send   send() of a complete hand-written SOAP 1.1 envelope (soapenv prefix, empty Header,
//          SoapUI `<!--Optional:-->` comments in the Body), no XML declaration, SOAPAction of
//          the operation, to the WSDL's endpoint.
//
// Prints JSON: nusoap's version, what it returned (the `<op>Result` array; strings converted
// back from ISO-8859-1 to UTF-8 for the JSON), the Content-Type it sent and the one it received,
// the XML declaration it wrote, and whether the request carried ISO-8859-1 bytes.

error_reporting(E_ALL & ~E_DEPRECATED);  // 0.9.5 on PHP 8.2: deprecations only
ini_set('display_errors', 'stderr');

const TNS = 'http://www.avisortech.com/eCollectWebservices';

if ($argc < 6) {
    fwrite(STDERR, "usage: php nusoap_call.php <nusoap-dir> <wsdl-url> <operation> <request-json> <array|xml|send>\n");
    exit(64);
}
list(, $nusoapDir, $wsdl, $operation, $json, $mode) = $argv;
require $nusoapDir . '/nusoap.php';

$fields = json_decode($json, true);
if (!is_array($fields)) {
    fwrite(STDERR, "bad request JSON\n");
    exit(64);
}

function latin1($value)
{
    if (is_array($value)) {
        return array_map('latin1', $value);
    }
    return is_string($value) ? iconv('UTF-8', 'ISO-8859-1', $value) : $value;
}

function utf8($value)
{
    if (is_array($value)) {
        return array_map('utf8', $value);
    }
    return is_string($value) ? iconv('ISO-8859-1', 'UTF-8', $value) : $value;
}

function text($value)
{
    return htmlspecialchars($value, ENT_XML1 | ENT_QUOTES, 'ISO-8859-1');
}

// The university's raw createTransactionPayment body (§4.5 of the contract notes).
function raw_create_xml(array $f)
{
    $xml = "<createTransactionPayment xmlns='" . TNS . "'><request >"
        . '<EntityCode>' . text($f['EntityCode']) . '</EntityCode>'
        . '<SrvCode>' . text($f['SrvCode']) . '</SrvCode>'
        . '<PaymentDesc>Matricula pregrado</PaymentDesc>'
        . '<TransValue>' . text($f['TransValue']) . ' </TransValue>'
        . '<TransVatValue>' . text($f['TransVatValue']) . '</TransVatValue>'
        . '<UserType>0</UserType>';
    foreach ($f['ReferenceArray'] as $reference) {
        $xml .= '<ReferenceArray>' . text($reference) . '</ReferenceArray>';
    }
    return $xml . '<PaymentSystem>0</PaymentSystem>'
        . '<URLResponse ></URLResponse>'
        . '<URLRedirect>' . text($f['URLRedirect']) . '</URLRedirect>'
        . '<FICode/>'
        . '</request></createTransactionPayment>';
}

function raw_get_xml(array $f)
{
    return "<getTransactionInformation xmlns='" . TNS . "'><request >"
        . '<EntityCode>' . text($f['EntityCode']) . '</EntityCode>'
        . '<TicketId>' . text($f['TicketId']) . '</TicketId>'
        . '</request></getTransactionInformation>';
}

// A SoapUI-style template filled in by hand (§4.6).
function soapui_envelope($operation, array $f)
{
    if ($operation !== 'getTransactionInformation') {
        throw new InvalidArgumentException("send mode scripts getTransactionInformation only");
    }
    return '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ecol="' . TNS . '">
   <soapenv:Header/>
   <soapenv:Body>
      <ecol:getTransactionInformation>
         <!--Optional:-->
         <ecol:request>
            <!--Optional:-->
            <ecol:EntityCode>' . text($f['EntityCode']) . '</ecol:EntityCode>
            <!--Optional:-->
            <ecol:TicketId>' . text($f['TicketId']) . '</ecol:TicketId>
         </ecol:request>
      </ecol:getTransactionInformation>
   </soapenv:Body>
</soapenv:Envelope>';
}

function header_value($raw, $name)
{
    $head = preg_split("/\r?\n\r?\n/", (string) $raw, 2)[0];
    return preg_match('/^' . preg_quote($name, '/') . ':\s*(.*?)\s*$/mi', $head, $m) ? $m[1] : null;
}

$client = new nusoap_client($wsdl, 'wsdl');
$client->setUseCurl(0);
$client->response_timeout = 60;
if ($error = $client->getError()) {
    fwrite(STDERR, "nusoap_client: $error\n");
    exit(2);
}

switch ($mode) {
    case 'array':
        $response = $client->call($operation, array('request' => latin1($fields)));
        break;
    case 'xml':
        $body = $operation === 'createTransactionPayment' ? raw_create_xml(latin1($fields)) : raw_get_xml(latin1($fields));
        $response = $client->call($operation, $body, '', '', false, false);
        break;
    case 'send':
        $response = $client->send(soapui_envelope($operation, latin1($fields)), TNS . '/' . $operation);
        break;
    default:
        fwrite(STDERR, "unknown mode $mode\n");
        exit(64);
}

if ($client->fault || ($error = $client->getError())) {
    fwrite(STDERR, 'nusoap ' . ($client->fault ? 'fault: ' . print_r($response, true) : "error: $error") . "\n");
    fwrite(STDERR, "--- request\n{$client->request}\n--- response\n{$client->response}\n");
    exit(2);
}

$result = is_array($response) && array_key_exists($operation . 'Result', $response)
    ? $response[$operation . 'Result'] : null;
$request = (string) $client->request;
$payload = (string) preg_split("/\r?\n\r?\n/", $request, 2)[1];
preg_match('/^<\?xml[^>]*\?>/', $payload, $declaration);

echo json_encode(array(
    'client' => 'nusoap ' . (new nusoap_base())->version . " (PHP " . PHP_VERSION . ", mode $mode)",
    'result' => utf8($result),
    'result_keys' => is_array($response) ? array_keys($response) : gettype($response),
    'request_content_type' => header_value($request, 'Content-Type'),
    'request_soap_action' => header_value($request, 'SOAPAction'),
    'request_xml_declaration' => isset($declaration[0]) ? $declaration[0] : null,
    'request_has_latin1_bytes' => !preg_match('//u', $payload),
    'request_body' => utf8($payload),
    'response_content_type' => header_value($client->response, 'Content-Type'),
    'soap_defencoding' => $client->soap_defencoding,
), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
