<?php
// A legacy PHP merchant integration: ext-soap SoapClient in WSDL mode with the
// wsdl2phpgenerator classmap and SOAP_SINGLE_ELEMENT_ARRAYS, calling one operation.
//
//   php ecollect_call.php <wsdl-url> <operation> '<request JSON>' [--soap12]
//
// Prints JSON: the client's version, the classes ext-soap mapped the reply onto, the result's
// members read through the generated getters, and the Content-Type the request was sent with.

require __DIR__ . '/ecollect_classes.php';
require __DIR__ . '/ext_soap.php';

function members($object)
{
    // What the generated getters return, member by member (nested objects too).
    $read = function () {
        return get_object_vars($this);
    };
    $values = array();
    foreach (Closure::bind($read, $object, get_class($object))() as $name => $value) {
        $getter = 'get' . ucfirst($name);
        $value = $object->$getter();
        if (is_object($value)) {
            $value = members($value);
        } elseif (is_array($value)) {
            $value = array_map(function ($item) {
                return is_object($item) ? members($item) : $item;
            }, $value);
        }
        $values[$name] = $value;
    }
    return $values;
}

function build_request($operation, array $fields)
{
    if ($operation === 'createTransactionPayment') {
        $request = new createTransactionType($fields['TransValue'], $fields['TransVatValue']);
        foreach ($fields as $name => $value) {
            $setter = 'set' . ucfirst($name);
            $request->$setter($value);
        }
        return new createTransactionPayment($request);
    }
    if ($operation === 'getTransactionInformation') {
        $request = (new getTransactionInformationType())
            ->setEntityCode($fields['EntityCode'])
            ->setTicketId($fields['TicketId']);
        return new getTransactionInformation($request);
    }
    throw new InvalidArgumentException("operation $operation is not scripted");
}

if ($argc < 4) {
    fwrite(STDERR, "usage: php ecollect_call.php <wsdl-url> <operation> <request-json> [--soap12]\n");
    exit(64);
}
list(, $wsdl, $operation, $json) = $argv;
$soap12 = in_array('--soap12', $argv, true);

$client = new eCollectWebservices(ext_soap_options($soap12), $wsdl);

$response = call_or_exit($client, $operation, build_request($operation, json_decode($json, true)));

$getter = 'get' . ucfirst($operation) . 'Result';
$result = $response->$getter();
preg_match('/^Content-Type:\s*(.*)$/mi', $client->__getLastRequestHeaders(), $contentType);

echo json_encode(array(
    'client' => 'PHP ' . PHP_VERSION . ' ext-soap',
    'response_class' => get_class($response),
    'result_class' => is_object($result) ? get_class($result) : gettype($result),
    'result' => is_object($result) ? members($result) : $result,
    'request_content_type' => trim(isset($contentType[1]) ? $contentType[1] : ''),
)), "\n";
