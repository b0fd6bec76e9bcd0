<?php

// Classes in the shape wsdl2phpgenerator gives an eCollect integration (protected members,
// fluent setters, getters, a SoapClient subclass with the classmap), as in the public PHP
// merchant integrations of the v2 and v3 services. One set serves every variant: ext-soap
// only serializes the members the WSDL of the endpoint declares.

class getTransactionInformation
{
    /** @var getTransactionInformationType $request */
    protected $request = null;

    public function __construct($request)
    {
        $this->request = $request;
    }

    /** @return getTransactionInformationType */
    public function getRequest()
    {
        return $this->request;
    }

    /** @param getTransactionInformationType $request */
    public function setRequest($request)
    {
        $this->request = $request;
        return $this;
    }
}

class getTransactionInformationType
{
    /** @var string $EntityCode */
    protected $EntityCode = null;

    /** @var string $TicketId */
    protected $TicketId = null;

    public function __construct()
    {
    }

    /** @return string */
    public function getEntityCode()
    {
        return $this->EntityCode;
    }

    /** @param string $EntityCode */
    public function setEntityCode($EntityCode)
    {
        $this->EntityCode = $EntityCode;
        return $this;
    }

    /** @return string */
    public function getTicketId()
    {
        return $this->TicketId;
    }

    /** @param string $TicketId */
    public function setTicketId($TicketId)
    {
        $this->TicketId = $TicketId;
        return $this;
    }
}

class getTransactionInformationResponse
{
    /** @var getTransactionInformationResponseType $getTransactionInformationResult */
    protected $getTransactionInformationResult = null;

    public function __construct()
    {
    }

    /** @return getTransactionInformationResponseType */
    public function getGetTransactionInformationResult()
    {
        return $this->getTransactionInformationResult;
    }

    /** @param getTransactionInformationResponseType $getTransactionInformationResult */
    public function setGetTransactionInformationResult($getTransactionInformationResult)
    {
        $this->getTransactionInformationResult = $getTransactionInformationResult;
        return $this;
    }
}

class getTransactionInformationResponseType
{
    /** @var string $EntityCode */
    protected $EntityCode = null;

    /** @var string $TicketId */
    protected $TicketId = null;

    /** @var string $TrazabilityCode */
    protected $TrazabilityCode = null;

    /** @var string $TranState */
    protected $TranState = null;

    /** @var string $ReturnCode */
    protected $ReturnCode = null;

    /** @var float $TransValue */
    protected $TransValue = null;

    /** @var float $TransVatValue */
    protected $TransVatValue = null;

    /** @var string $PayCurrency */
    protected $PayCurrency = null;

    /** @var float $CurrencyRate */
    protected $CurrencyRate = null;

    /** @var string $BankProcessDate */
    protected $BankProcessDate = null;

    /** @var string $FICode */
    protected $FICode = null;

    /** @var string $BankName */
    protected $BankName = null;

    /** @var string $PaymentSystem */
    protected $PaymentSystem = null;

    /** @var string $TransCycle */
    protected $TransCycle = null;

    /** @var string $Invoice */
    protected $Invoice = null;

    /** @var string[] $ReferenceArray */
    protected $ReferenceArray = null;

    /** @var string[] $AuthReferenceArray */
    protected $AuthReferenceArray = null;

    /** @var operationType[] $OperationArray */
    protected $OperationArray = null;

    /** @var retriesTicketIdType[] $RetriesTicketId */
    protected $RetriesTicketId = null;

    /** @var AdditionalInfoType[] $AdditionalInfoArray */
    protected $AdditionalInfoArray = null;

    /** @var string $SrvCode */
    protected $SrvCode = null;

    public function __construct()
    {
    }

    /** @return string */
    public function getEntityCode()
    {
        return $this->EntityCode;
    }

    /** @param string $EntityCode */
    public function setEntityCode($EntityCode)
    {
        $this->EntityCode = $EntityCode;
        return $this;
    }

    /** @return string */
    public function getTicketId()
    {
        return $this->TicketId;
    }

    /** @param string $TicketId */
    public function setTicketId($TicketId)
    {
        $this->TicketId = $TicketId;
        return $this;
    }

    /** @return string */
    public function getTrazabilityCode()
    {
        return $this->TrazabilityCode;
    }

    /** @param string $TrazabilityCode */
    public function setTrazabilityCode($TrazabilityCode)
    {
        $this->TrazabilityCode = $TrazabilityCode;
        return $this;
    }

    /** @return string */
    public function getTranState()
    {
        return $this->TranState;
    }

    /** @param string $TranState */
    public function setTranState($TranState)
    {
        $this->TranState = $TranState;
        return $this;
    }

    /** @return string */
    public function getReturnCode()
    {
        return $this->ReturnCode;
    }

    /** @param string $ReturnCode */
    public function setReturnCode($ReturnCode)
    {
        $this->ReturnCode = $ReturnCode;
        return $this;
    }

    /** @return float */
    public function getTransValue()
    {
        return $this->TransValue;
    }

    /** @param float $TransValue */
    public function setTransValue($TransValue)
    {
        $this->TransValue = $TransValue;
        return $this;
    }

    /** @return float */
    public function getTransVatValue()
    {
        return $this->TransVatValue;
    }

    /** @param float $TransVatValue */
    public function setTransVatValue($TransVatValue)
    {
        $this->TransVatValue = $TransVatValue;
        return $this;
    }

    /** @return string */
    public function getPayCurrency()
    {
        return $this->PayCurrency;
    }

    /** @param string $PayCurrency */
    public function setPayCurrency($PayCurrency)
    {
        $this->PayCurrency = $PayCurrency;
        return $this;
    }

    /** @return float */
    public function getCurrencyRate()
    {
        return $this->CurrencyRate;
    }

    /** @param float $CurrencyRate */
    public function setCurrencyRate($CurrencyRate)
    {
        $this->CurrencyRate = $CurrencyRate;
        return $this;
    }

    /** @return string */
    public function getBankProcessDate()
    {
        return $this->BankProcessDate;
    }

    /** @param string $BankProcessDate */
    public function setBankProcessDate($BankProcessDate)
    {
        $this->BankProcessDate = $BankProcessDate;
        return $this;
    }

    /** @return string */
    public function getFICode()
    {
        return $this->FICode;
    }

    /** @param string $FICode */
    public function setFICode($FICode)
    {
        $this->FICode = $FICode;
        return $this;
    }

    /** @return string */
    public function getBankName()
    {
        return $this->BankName;
    }

    /** @param string $BankName */
    public function setBankName($BankName)
    {
        $this->BankName = $BankName;
        return $this;
    }

    /** @return string */
    public function getPaymentSystem()
    {
        return $this->PaymentSystem;
    }

    /** @param string $PaymentSystem */
    public function setPaymentSystem($PaymentSystem)
    {
        $this->PaymentSystem = $PaymentSystem;
        return $this;
    }

    /** @return string */
    public function getTransCycle()
    {
        return $this->TransCycle;
    }

    /** @param string $TransCycle */
    public function setTransCycle($TransCycle)
    {
        $this->TransCycle = $TransCycle;
        return $this;
    }

    /** @return string */
    public function getInvoice()
    {
        return $this->Invoice;
    }

    /** @param string $Invoice */
    public function setInvoice($Invoice)
    {
        $this->Invoice = $Invoice;
        return $this;
    }

    /** @return string[] */
    public function getReferenceArray()
    {
        return $this->ReferenceArray;
    }

    /** @param string[] $ReferenceArray */
    public function setReferenceArray($ReferenceArray)
    {
        $this->ReferenceArray = $ReferenceArray;
        return $this;
    }

    /** @return string[] */
    public function getAuthReferenceArray()
    {
        return $this->AuthReferenceArray;
    }

    /** @param string[] $AuthReferenceArray */
    public function setAuthReferenceArray($AuthReferenceArray)
    {
        $this->AuthReferenceArray = $AuthReferenceArray;
        return $this;
    }

    /** @return operationType[] */
    public function getOperationArray()
    {
        return $this->OperationArray;
    }

    /** @param operationType[] $OperationArray */
    public function setOperationArray($OperationArray)
    {
        $this->OperationArray = $OperationArray;
        return $this;
    }

    /** @return retriesTicketIdType[] */
    public function getRetriesTicketId()
    {
        return $this->RetriesTicketId;
    }

    /** @param retriesTicketIdType[] $RetriesTicketId */
    public function setRetriesTicketId($RetriesTicketId)
    {
        $this->RetriesTicketId = $RetriesTicketId;
        return $this;
    }

    /** @return AdditionalInfoType[] */
    public function getAdditionalInfoArray()
    {
        return $this->AdditionalInfoArray;
    }

    /** @param AdditionalInfoType[] $AdditionalInfoArray */
    public function setAdditionalInfoArray($AdditionalInfoArray)
    {
        $this->AdditionalInfoArray = $AdditionalInfoArray;
        return $this;
    }

    /** @return string */
    public function getSrvCode()
    {
        return $this->SrvCode;
    }

    /** @param string $SrvCode */
    public function setSrvCode($SrvCode)
    {
        $this->SrvCode = $SrvCode;
        return $this;
    }
}

class retriesTicketIdType
{
    /** @var string $TicketId */
    protected $TicketId = null;

    /** @var string $TranState */
    protected $TranState = null;

    public function __construct()
    {
    }

    /** @return string */
    public function getTicketId()
    {
        return $this->TicketId;
    }

    /** @param string $TicketId */
    public function setTicketId($TicketId)
    {
        $this->TicketId = $TicketId;
        return $this;
    }

    /** @return string */
    public function getTranState()
    {
        return $this->TranState;
    }

    /** @param string $TranState */
    public function setTranState($TranState)
    {
        $this->TranState = $TranState;
        return $this;
    }
}

class operationType
{
    /** @var string $OperCode */
    protected $OperCode = null;

    /** @var string $FlagDBCR */
    protected $FlagDBCR = null;

    /** @var string $OperDesc */
    protected $OperDesc = null;

    /** @var float $Value */
    protected $Value = null;

    public function __construct()
    {
    }

    /** @return string */
    public function getOperCode()
    {
        return $this->OperCode;
    }

    /** @param string $OperCode */
    public function setOperCode($OperCode)
    {
        $this->OperCode = $OperCode;
        return $this;
    }

    /** @return string */
    public function getFlagDBCR()
    {
        return $this->FlagDBCR;
    }

    /** @param string $FlagDBCR */
    public function setFlagDBCR($FlagDBCR)
    {
        $this->FlagDBCR = $FlagDBCR;
        return $this;
    }

    /** @return string */
    public function getOperDesc()
    {
        return $this->OperDesc;
    }

    /** @param string $OperDesc */
    public function setOperDesc($OperDesc)
    {
        $this->OperDesc = $OperDesc;
        return $this;
    }

    /** @return float */
    public function getValue()
    {
        return $this->Value;
    }

    /** @param float $Value */
    public function setValue($Value)
    {
        $this->Value = $Value;
        return $this;
    }
}

class AdditionalInfoType
{
    /** @var string $InfoCode */
    protected $InfoCode = null;

    /** @var string $InfoData */
    protected $InfoData = null;

    public function __construct()
    {
    }

    /** @return string */
    public function getInfoCode()
    {
        return $this->InfoCode;
    }

    /** @param string $InfoCode */
    public function setInfoCode($InfoCode)
    {
        $this->InfoCode = $InfoCode;
        return $this;
    }

    /** @return string */
    public function getInfoData()
    {
        return $this->InfoData;
    }

    /** @param string $InfoData */
    public function setInfoData($InfoData)
    {
        $this->InfoData = $InfoData;
        return $this;
    }
}

class createTransactionPayment
{
    /** @var createTransactionType $request */
    protected $request = null;

    public function __construct($request)
    {
        $this->request = $request;
    }

    /** @return createTransactionType */
    public function getRequest()
    {
        return $this->request;
    }

    /** @param createTransactionType $request */
    public function setRequest($request)
    {
        $this->request = $request;
        return $this;
    }
}

class createTransactionType
{
    /** @var string $EntityCode */
    protected $EntityCode = null;

    /** @var string $SrvCode */
    protected $SrvCode = null;

    /** @var float $TransValue */
    protected $TransValue = null;

    /** @var float $TransVatValue */
    protected $TransVatValue = null;

    /** @var string $SrvCurrency */
    protected $SrvCurrency = null;

    /** @var string $URLResponse */
    protected $URLResponse = null;

    /** @var string $URLRedirect */
    protected $URLRedirect = null;

    /** @var string $Sign */
    protected $Sign = null;

    /** @var string $SignFields */
    protected $SignFields = null;

    /** @var string[] $ReferenceArray */
    protected $ReferenceArray = null;

    /** @var string $PaymentSystem */
    protected $PaymentSystem = null;

    /** @var string $FICode */
    protected $FICode = null;

    /** @var string $Invoice */
    protected $Invoice = null;

    /** @var string $PolicyCode */
    protected $PolicyCode = null;

    /** @var string[] $AuthReferenceArray */
    protected $AuthReferenceArray = null;

    public function __construct($TransValue, $TransVatValue)
    {
        $this->TransValue = $TransValue;
        $this->TransVatValue = $TransVatValue;
    }

    /** @return string */
    public function getEntityCode()
    {
        return $this->EntityCode;
    }

    /** @param string $EntityCode */
    public function setEntityCode($EntityCode)
    {
        $this->EntityCode = $EntityCode;
        return $this;
    }

    /** @return string */
    public function getSrvCode()
    {
        return $this->SrvCode;
    }

    /** @param string $SrvCode */
    public function setSrvCode($SrvCode)
    {
        $this->SrvCode = $SrvCode;
        return $this;
    }

    /** @return float */
    public function getTransValue()
    {
        return $this->TransValue;
    }

    /** @param float $TransValue */
    public function setTransValue($TransValue)
    {
        $this->TransValue = $TransValue;
        return $this;
    }

    /** @return float */
    public function getTransVatValue()
    {
        return $this->TransVatValue;
    }

    /** @param float $TransVatValue */
    public function setTransVatValue($TransVatValue)
    {
        $this->TransVatValue = $TransVatValue;
        return $this;
    }

    /** @return string */
    public function getSrvCurrency()
    {
        return $this->SrvCurrency;
    }

    /** @param string $SrvCurrency */
    public function setSrvCurrency($SrvCurrency)
    {
        $this->SrvCurrency = $SrvCurrency;
        return $this;
    }

    /** @return string */
    public function getURLResponse()
    {
        return $this->URLResponse;
    }

    /** @param string $URLResponse */
    public function setURLResponse($URLResponse)
    {
        $this->URLResponse = $URLResponse;
        return $this;
    }

    /** @return string */
    public function getURLRedirect()
    {
        return $this->URLRedirect;
    }

    /** @param string $URLRedirect */
    public function setURLRedirect($URLRedirect)
    {
        $this->URLRedirect = $URLRedirect;
        return $this;
    }

    /** @return string */
    public function getSign()
    {
        return $this->Sign;
    }

    /** @param string $Sign */
    public function setSign($Sign)
    {
        $this->Sign = $Sign;
        return $this;
    }

    /** @return string */
    public function getSignFields()
    {
        return $this->SignFields;
    }

    /** @param string $SignFields */
    public function setSignFields($SignFields)
    {
        $this->SignFields = $SignFields;
        return $this;
    }

    /** @return string[] */
    public function getReferenceArray()
    {
        return $this->ReferenceArray;
    }

    /** @param string[] $ReferenceArray */
    public function setReferenceArray($ReferenceArray)
    {
        $this->ReferenceArray = $ReferenceArray;
        return $this;
    }

    /** @return string */
    public function getPaymentSystem()
    {
        return $this->PaymentSystem;
    }

    /** @param string $PaymentSystem */
    public function setPaymentSystem($PaymentSystem)
    {
        $this->PaymentSystem = $PaymentSystem;
        return $this;
    }

    /** @return string */
    public function getFICode()
    {
        return $this->FICode;
    }

    /** @param string $FICode */
    public function setFICode($FICode)
    {
        $this->FICode = $FICode;
        return $this;
    }

    /** @return string */
    public function getInvoice()
    {
        return $this->Invoice;
    }

    /** @param string $Invoice */
    public function setInvoice($Invoice)
    {
        $this->Invoice = $Invoice;
        return $this;
    }

    /** @return string */
    public function getPolicyCode()
    {
        return $this->PolicyCode;
    }

    /** @param string $PolicyCode */
    public function setPolicyCode($PolicyCode)
    {
        $this->PolicyCode = $PolicyCode;
        return $this;
    }

    /** @return string[] */
    public function getAuthReferenceArray()
    {
        return $this->AuthReferenceArray;
    }

    /** @param string[] $AuthReferenceArray */
    public function setAuthReferenceArray($AuthReferenceArray)
    {
        $this->AuthReferenceArray = $AuthReferenceArray;
        return $this;
    }
}

class createTransactionPaymentResponse
{
    /** @var createTransactionResponseType $createTransactionPaymentResult */
    protected $createTransactionPaymentResult = null;

    public function __construct()
    {
    }

    /** @return createTransactionResponseType */
    public function getCreateTransactionPaymentResult()
    {
        return $this->createTransactionPaymentResult;
    }

    /** @param createTransactionResponseType $createTransactionPaymentResult */
    public function setCreateTransactionPaymentResult($createTransactionPaymentResult)
    {
        $this->createTransactionPaymentResult = $createTransactionPaymentResult;
        return $this;
    }
}

class createTransactionResponseType
{
    /** @var string $ReturnCode */
    protected $ReturnCode = null;

    /** @var string $TicketId */
    protected $TicketId = null;

    /** @var string $eCollectUrl */
    protected $eCollectUrl = null;

    public function __construct()
    {
    }

    /** @return string */
    public function getReturnCode()
    {
        return $this->ReturnCode;
    }

    /** @param string $ReturnCode */
    public function setReturnCode($ReturnCode)
    {
        $this->ReturnCode = $ReturnCode;
        return $this;
    }

    /** @return string */
    public function getTicketId()
    {
        return $this->TicketId;
    }

    /** @param string $TicketId */
    public function setTicketId($TicketId)
    {
        $this->TicketId = $TicketId;
        return $this;
    }

    /** @return string */
    public function getECollectUrl()
    {
        return $this->eCollectUrl;
    }

    /** @param string $eCollectUrl */
    public function setECollectUrl($eCollectUrl)
    {
        $this->eCollectUrl = $eCollectUrl;
        return $this;
    }
}

class eCollectWebservices extends \SoapClient
{
    /** @var array $classmap The defined classes */
    private static $classmap = array(
        'getTransactionInformation' => '\\getTransactionInformation',
        'getTransactionInformationType' => '\\getTransactionInformationType',
        'getTransactionInformationResponse' => '\\getTransactionInformationResponse',
        'getTransactionInformationResponseType' => '\\getTransactionInformationResponseType',
        'retriesTicketIdType' => '\\retriesTicketIdType',
        'operationType' => '\\operationType',
        'AdditionalInfoType' => '\\AdditionalInfoType',
        'createTransactionPayment' => '\\createTransactionPayment',
        'createTransactionType' => '\\createTransactionType',
        'createTransactionPaymentResponse' => '\\createTransactionPaymentResponse',
        'createTransactionResponseType' => '\\createTransactionResponseType',
    );

    /**
     * @param array $options A array of config values
     * @param string $wsdl The wsdl file to use
     */
    public function __construct(array $options = array(), $wsdl = null)
    {
        foreach (self::$classmap as $key => $value) {
            if (!isset($options['classmap'][$key])) {
                $options['classmap'][$key] = $value;
            }
        }
        $options = array_merge(array('features' => 1), $options);
        parent::__construct($wsdl, $options);
    }

    /**
     * @param createTransactionPayment $parameters
     * @return createTransactionPaymentResponse
     */
    public function createTransactionPayment(createTransactionPayment $parameters)
    {
        return $this->__soapCall('createTransactionPayment', array($parameters));
    }

    /**
     * @param getTransactionInformation $parameters
     * @return getTransactionInformationResponse
     */
    public function getTransactionInformation(getTransactionInformation $parameters)
    {
        return $this->__soapCall('getTransactionInformation', array($parameters));
    }
}
