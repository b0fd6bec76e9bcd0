<?php
// A bank's teller integration calling the caja (CajaBancos.asmx) with ext-soap in WSDL mode,
// its WS-Security header built by hand, as bank integrators write it: a SoapHeader whose
// SoapVar is XSD_ANYXML text of <wsse:Security><wsse:UsernameToken>, the PasswordDigest
// computed here, base64(sha1(nonce . created . password, true)), with a base64 Nonce and a
// wsu:Created in UTC (Y-m-d\TH:i:s\Z). No mbstring: plain string functions only.
//
//   php caja_call.php <wsdl-url> <operation> '<request JSON>' <username> <password>
//       [--soap12] [--text]
//
// --text sends the password itself (PasswordText) without Nonce and Created.
// Prints JSON: {"result": <the <operation>Result as arrays>, "request": <the envelope sent>}.

require __DIR__ . '/ext_soap.php';

const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

if ($argc < 6) {
    fwrite(STDERR, "usage: php caja_call.php <wsdl-url> <operation> <request-json> <user> <password> [--soap12] [--text]\n");
    exit(64);
}
list(, $wsdl, $operation, $json, $username, $password) = $argv;
$soap12 = in_array('--soap12', $argv, true);
$text = in_array('--text', $argv, true);

function xml($value)
{
    return htmlspecialchars($value, ENT_XML1 | ENT_QUOTES, 'UTF-8');
}

function wsse_header($username, $password, $text, $soap12)
{
    if ($text) {
        $secret = '<wsse:Password Type="' . PROFILE . '#PasswordText">' . xml($password) . '</wsse:Password>';
    } else {
        $nonce = random_bytes(16);
        $created = gmdate('Y-m-d\TH:i:s\Z');
        $digest = base64_encode(sha1($nonce . $created . $password, true));
        $secret = '<wsse:Password Type="' . PROFILE . '#PasswordDigest">' . $digest . '</wsse:Password>'
            . '<wsse:Nonce EncodingType="' . BASE64 . '">' . base64_encode($nonce) . '</wsse:Nonce>'
            . '<wsu:Created>' . $created . '</wsu:Created>';
    }
    // The envelope prefix ext-soap writes (SOAP-ENV, env for 1.2), typed in as integrators do.
    $understand = $soap12 ? 'env:mustUnderstand="true"' : 'SOAP-ENV:mustUnderstand="1"';
    $security = '<wsse:Security xmlns:wsse="' . WSSE_NS . '" xmlns:wsu="' . WSU_NS . '" ' . $understand . '>'
        . '<wsse:UsernameToken wsu:Id="UsernameToken-1">'
        . '<wsse:Username>' . xml($username) . '</wsse:Username>'
        . $secret
        . '</wsse:UsernameToken>'
        . '</wsse:Security>';
    return new SoapHeader(WSSE_NS, 'Security', new SoapVar($security, XSD_ANYXML), true);
}

function plain($value)
{
    if (is_object($value)) {
        $value = get_object_vars($value);
    }
    if (is_array($value)) {
        return array_map('plain', $value);
    }
    return $value;
}

$client = new SoapClient($wsdl, ext_soap_options($soap12));
$client->__setSoapHeaders(array(wsse_header($username, $password, $text, $soap12)));

$response = call_or_exit($client, $operation, array('request' => json_decode($json, true)));
$member = $operation . 'Result';
echo json_encode(array(
    'client' => 'PHP ' . PHP_VERSION . ' ext-soap',
    'result' => plain($response->$member),
    'request' => $client->__getLastRequest(),
)), "\n";
