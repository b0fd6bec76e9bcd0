<?php
// What the ext-soap scripts here share: the SoapClient options legacy integrations are written
// with (WSDL mode, SOAP_SINGLE_ELEMENT_ARRAYS, trace for the error report, no WSDL cache), and a
// call that reports a SoapFault with the whole exchange on stderr and exits 2.

function ext_soap_options($soap12)
{
    return array(
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'soap_version' => $soap12 ? SOAP_1_2 : SOAP_1_1,
        'trace' => true,
        'exceptions' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'connection_timeout' => 30,
    );
}

function call_or_exit(SoapClient $client, $operation, $request)
{
    try {
        return $client->$operation($request);
    } catch (SoapFault $fault) {
        fwrite(STDERR, "SoapFault {$fault->faultcode}: {$fault->getMessage()}\n");
        fwrite(STDERR, $client->__getLastRequestHeaders() . $client->__getLastRequest() . "\n");
        fwrite(STDERR, $client->__getLastResponseHeaders() . $client->__getLastResponse() . "\n");
        exit(2);
    }
}
