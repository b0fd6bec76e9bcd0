// A JAX-WS RI / JAXB merchant client of the eCollect SOAP services, compiled at test time
// against the classes `wsimport` generated from the gateway's own WSDLs (one package each):
//
//   ecollect.v2   <- /app_express/webservice/eCollectWebservicesv2.asmx?wsdl
//   ecollect.v3a  <- /p_express/webservice/eCollectWebservicesv3.asmx?wsdl   (schema A)
//   ecollect.v3b  <- /app_express/webservice/eCollectWebservicesv3.asmx?wsdl (schema B)
//
// It reads the replies the way the Spring-WS/JAXB client of the contract (section 4.7) does:
// ReturnCode through an enum valueOf holding exactly the 14 SOAP codes, TranState and
// PaymentSystem through value.equals(...), BankProcessDate through toString() parsed as
// yyyy-MM-dd (xs:date variants), ReferenceArray by index up to 15 with 12 and 13 as yyyyMMdd.
// Any of these throws on a reply that client could not take, and the program exits non-zero.
//
// Usage: Main <v2|v3a|v3b> <wsdl url> <soap11|soap12> <entity> <srvCode> <transValue> <invoice> ref...
// (the Invoice is sent by schema B only).
// Flow: create -> POST <gateway>/sandbox/transactions/<TicketId>/outcome TranState=OK ->
// getTransactionInformation, then a create for the unknown entity 99999. The last line of
// stdout is one JSON object with what JAXB read (see emit()).

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.ws.BindingProvider;

public final class Main {

    /** The merchant's ReturnCode enum (section 3.1, rows 1-14): valueOf throws on anything else. */
    enum ReturnCode {
        SUCCESS,
        FAIL_INVALIDENTITYCODE,
        FAIL_INVALIDSERVICECODE,
        FAIL_INVALIDREFERENCE1,
        FAIL_INVALIDTRANSVALUE,
        FAIL_INVALIDVATVALUE,
        FAIL_INVALIDCURRENCY,
        FAIL_INVALIDPOLICY,
        FAIL_INVALIDITEMS,
        FAIL_INVALIDAUTHREF,
        FAIL_INVALIDPAYMENTSYSTEM,
        FAIL_INVALIDFICODE,
        FAIL_SYSTEM,
        FAIL_TICKETIDNOTFOUND
    }

    /** TranState as that client maps it: value.equals(name), unknown -> NOT_FOUND, null throws. */
    enum TransactionState {
        OK, NOT_AUTHORIZED, PENDING, BANK, CREATED, CAPTURED, EXPIRED, FAILED, NOT_FOUND;

        static TransactionState of(String value) {
            for (TransactionState state : values()) {
                if (value.equals(state.name())) {
                    return state;
                }
            }
            return NOT_FOUND;
        }
    }

    /** PaymentSystem as that client maps it: value.equals(code), unknown -> NOT_FOUND. */
    enum PaymentMethod {
        PSE("0"), TC("1"), CP("100"), NOT_FOUND("");

        final String code;

        PaymentMethod(String code) {
            this.code = code;
        }

        static PaymentMethod of(String value) {
            for (PaymentMethod method : values()) {
                if (value.equals(method.code)) {
                    return method;
                }
            }
            return NOT_FOUND;
        }
    }

    static final DateTimeFormatter BANK_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    static final DateTimeFormatter REFERENCE_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    static final String UNKNOWN_ENTITY = "99999";

    /** What one generated package gives: the same three calls, typed per schema. */
    interface Variant {
        Map<String, Object> create(String entity, String srvCode, BigDecimal value, String invoice,
                List<String> refs);

        Map<String, Object> info(String entity, String ticketId);

        Object port();
    }

    // ------------------------------------------------------------------ v2 (app_express)

    static final class V2 implements Variant {
        final ecollect.v2.ECollectWebservicesv2Soap port;

        V2(URL wsdl, boolean soap12) {
            ecollect.v2.ECollectWebservicesv2 service = new ecollect.v2.ECollectWebservicesv2(wsdl);
            port = soap12 ? service.getECollectWebservicesv2Soap12() : service.getECollectWebservicesv2Soap();
        }

        public Object port() {
            return port;
        }

        public Map<String, Object> create(String entity, String srvCode, BigDecimal value, String invoice,
                List<String> refs) {
            ecollect.v2.CreateTransactionType request = new ecollect.v2.CreateTransactionType();
            request.setEntityCode(entity);
            request.setSrvCode(srvCode);
            request.setTransValue(value);
            request.setTransVatValue(BigDecimal.ZERO);
            request.setSrvCurrency("COP");
            request.setURLResponse("https://merchant.example/notify");
            request.setURLRedirect("https://merchant.example/return");
            request.getReferenceArray().addAll(refs);
            ecollect.v2.CreateTransactionResponseType reply = port.createTransactionPayment(request);
            return created(reply.getReturnCode(), reply.getTicketId(), reply.getECollectUrl());
        }

        public Map<String, Object> info(String entity, String ticketId) {
            ecollect.v2.GetTransactionInformationType request = new ecollect.v2.GetTransactionInformationType();
            request.setEntityCode(entity);
            request.setTicketId(ticketId);
            ecollect.v2.GetTransactionInformationResponseType r = port.getTransactionInformation(request);
            Map<String, Object> out = common(r.getReturnCode(), r.getEntityCode(), r.getTicketId(),
                    r.getTrazabilityCode(), r.getTranState(), r.getTransValue(), r.getTransVatValue(),
                    r.getPayCurrency(), r.getCurrencyRate(), r.getBankProcessDate(), r.getBankName(),
                    r.getPaymentSystem(), r.getReferenceArray());
            out.put("BankProcessDateParsed", strictDate(r.getBankProcessDate()));
            out.put("RetriesTicketId", r.getRetriesTicketId().size());
            return out;
        }
    }

    // ------------------------------------------------------------------ v3 schema A (p_express)

    static final class V3A implements Variant {
        final ecollect.v3a.ECollectWebservicesv3Soap port;

        V3A(URL wsdl, boolean soap12) {
            ecollect.v3a.ECollectWebservicesv3 service = new ecollect.v3a.ECollectWebservicesv3(wsdl);
            port = soap12 ? service.getECollectWebservicesv3Soap12() : service.getECollectWebservicesv3Soap();
        }

        public Object port() {
            return port;
        }

        public Map<String, Object> create(String entity, String srvCode, BigDecimal value, String invoice,
                List<String> refs) {
            ecollect.v3a.CreateTransactionType request = new ecollect.v3a.CreateTransactionType();
            request.setEntityCode(entity);
            request.setSrvCode(srvCode);
            request.setTransValue(value);
            request.setTransVatValue(BigDecimal.ZERO);
            request.setSrvCurrency("COP");
            request.setURLResponse("https://merchant.example/notify");
            request.setURLRedirect("https://merchant.example/return");
            request.getReferenceArray().addAll(refs);
            ecollect.v3a.CreateTransactionResponseType reply = port.createTransactionPayment(request);
            return created(reply.getReturnCode(), reply.getTicketId(), reply.getECollectUrl());
        }

        public Map<String, Object> info(String entity, String ticketId) {
            ecollect.v3a.GetTransactionInformationType request = new ecollect.v3a.GetTransactionInformationType();
            request.setEntityCode(entity);
            request.setTicketId(ticketId);
            ecollect.v3a.GetTransactionInformationResponseType r = port.getTransactionInformation(request);
            Map<String, Object> out = common(r.getReturnCode(), r.getEntityCode(), r.getTicketId(),
                    r.getTrazabilityCode(), r.getTranState(), r.getTransValue(), r.getTransVatValue(),
                    r.getPayCurrency(), r.getCurrencyRate(), r.getBankProcessDate(), r.getBankName(),
                    r.getPaymentSystem(), r.getReferenceArray());
            out.put("BankProcessDateParsed", strictDate(r.getBankProcessDate()));
            out.put("AuthReferenceArray",
                    r.getAuthReferenceArray() == null ? null : r.getAuthReferenceArray().getString());
            out.put("RetriesTicketId", r.getRetriesTicketId().size());
            return out;
        }
    }

    // ------------------------------------------------------------------ v3 schema B (app_express)

    static final class V3B implements Variant {
        final ecollect.v3b.ECollectWebservicesv3Soap port;

        V3B(URL wsdl, boolean soap12) {
            ecollect.v3b.ECollectWebservicesv3 service = new ecollect.v3b.ECollectWebservicesv3(wsdl);
            port = soap12 ? service.getECollectWebservicesv3Soap12() : service.getECollectWebservicesv3Soap();
        }

        public Object port() {
            return port;
        }

        public Map<String, Object> create(String entity, String srvCode, BigDecimal value, String invoice,
                List<String> refs) {
            ecollect.v3b.CreateTransactionType request = new ecollect.v3b.CreateTransactionType();
            request.setEntityCode(entity);
            request.setSrvCode(srvCode);
            request.setTransValue(value);
            request.setTransVatValue(BigDecimal.ZERO);
            request.setSrvCurrency("COP");
            request.setURLResponse("https://merchant.example/notify");
            request.setURLRedirect("https://merchant.example/return");
            request.getReferenceArray().addAll(refs);
            request.setInvoice(invoice);
            ecollect.v3b.CreateTransactionResponseType reply = port.createTransactionPayment(request);
            return created(reply.getReturnCode(), reply.getTicketId(), reply.getECollectUrl());
        }

        public Map<String, Object> info(String entity, String ticketId) {
            ecollect.v3b.GetTransactionInformationType request = new ecollect.v3b.GetTransactionInformationType();
            request.setEntityCode(entity);
            request.setTicketId(ticketId);
            ecollect.v3b.GetTransactionInformationResponseType r = port.getTransactionInformation(request);
            Map<String, Object> out = common(r.getReturnCode(), r.getEntityCode(), r.getTicketId(),
                    r.getTrazabilityCode(), r.getTranState(), r.getTransValue(), r.getTransVatValue(),
                    r.getPayCurrency(), r.getCurrencyRate(), r.getBankProcessDate(), r.getBankName(),
                    r.getPaymentSystem(), r.getReferenceArray());
            out.put("AuthReferenceArray",
                    r.getAuthReferenceArray() == null ? null : r.getAuthReferenceArray().getString());
            out.put("FICode", r.getFICode());
            out.put("TransCycle", r.getTransCycle());
            out.put("Invoice", r.getInvoice());
            out.put("SrvCode", r.getSrvCode());
            out.put("OperationArray", r.getOperationArray().size());
            out.put("AdditionalInfoArray", r.getAdditionalInfoArray().size());
            out.put("RetriesTicketId", r.getRetriesTicketId().size());
            return out;
        }
    }

    // ------------------------------------------------------------------ reading, as the merchant does

    static Map<String, Object> created(String returnCode, String ticketId, String url) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ReturnCode", ReturnCode.valueOf(returnCode).name());
        out.put("TicketId", ticketId);
        out.put("eCollectUrl", url);
        return out;
    }

    static Map<String, Object> common(String returnCode, String entity, String ticketId, String trazability,
            String tranState, BigDecimal transValue, BigDecimal vatValue, String payCurrency,
            BigDecimal currencyRate, XMLGregorianCalendar bankDate, String bankName, String paymentSystem,
            List<String> refs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ReturnCode", ReturnCode.valueOf(returnCode).name());
        out.put("EntityCode", entity);
        out.put("TicketId", ticketId);
        out.put("TrazabilityCode", trazability);
        out.put("TranState", tranState);
        out.put("TranStateEnum", TransactionState.of(tranState).name());
        out.put("TransValue", plain(transValue));
        out.put("TransVatValue", plain(vatValue));
        out.put("PayCurrency", payCurrency);
        out.put("CurrencyRate", plain(currencyRate));
        out.put("BankProcessDate", bankDate.toXMLFormat());
        out.put("BankProcessDateType", bankDate.getXMLSchemaType().getLocalPart());
        out.put("BankName", bankName);
        out.put("PaymentSystem", paymentSystem);
        out.put("PaymentSystemEnum", PaymentMethod.of(paymentSystem).name());
        out.put("ReferenceArray", refs);
        out.put("ReferenceCount", refs.size());
        if (!refs.isEmpty()) {
            // The Spring-WS client's converter: positions 12 and 13 are yyyyMMdd dates unless "0",
            // position 15 is the last one it reads.
            out.put("Reference12", referenceDate(refs.get(12)));
            out.put("Reference13", referenceDate(refs.get(13)));
            out.put("Reference15", refs.get(15));
        }
        return out;
    }

    static String referenceDate(String value) {
        return "0".equals(value) ? "0" : LocalDate.parse(value, REFERENCE_DATE).toString();
    }

    /** The v2 client's read of an xs:date: toString() parsed as yyyy-MM-dd (throws otherwise). */
    static String strictDate(XMLGregorianCalendar value) {
        return LocalDate.parse(value.toString(), BANK_DATE).toString();
    }

    static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    // ------------------------------------------------------------------ the sandbox control

    static void forceOk(URL wsdl, String ticketId) throws IOException {
        URL url = URI.create(wsdl.getProtocol() + "://" + wsdl.getAuthority()
                + "/sandbox/transactions/" + ticketId + "/outcome").toURL();
        HttpURLConnection http = (HttpURLConnection) url.openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream body = http.getOutputStream()) {
            body.write("TranState=OK".getBytes(StandardCharsets.US_ASCII));
        }
        int status = http.getResponseCode();
        http.getInputStream().readAllBytes();
        if (status != 200) {
            throw new IOException("sandbox outcome for ticket " + ticketId + ": HTTP " + status);
        }
    }

    // ------------------------------------------------------------------ JSON out

    static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                parts.add(json(entry.getKey().toString()) + ":" + json(entry.getValue()));
            }
            return "{" + String.join(",", parts) + "}";
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object item : list) {
                parts.add(json(item));
            }
            return "[" + String.join(",", parts) + "]";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toString().toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 8) {
            System.err.println("usage: Main <v2|v3a|v3b> <wsdl> <soap11|soap12> <entity> <srvCode> <value> <invoice> ref...");
            System.exit(2);
        }
        String variantName = args[0];
        URL wsdl = URI.create(args[1]).toURL();
        boolean soap12 = switch (args[2]) {
            case "soap11" -> false;
            case "soap12" -> true;
            default -> throw new IllegalArgumentException("soap11 or soap12, not " + args[2]);
        };
        String entity = args[3];
        String srvCode = args[4];
        BigDecimal value = new BigDecimal(args[5]);
        String invoice = args[6];
        List<String> refs = Arrays.asList(Arrays.copyOfRange(args, 7, args.length));

        Variant variant = switch (variantName) {
            case "v2" -> new V2(wsdl, soap12);
            case "v3a" -> new V3A(wsdl, soap12);
            case "v3b" -> new V3B(wsdl, soap12);
            default -> throw new IllegalArgumentException("unknown variant " + variantName);
        };
        BindingProvider provider = (BindingProvider) variant.port();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client", com.sun.xml.ws.util.RuntimeVersion.VERSION.toString()
                + " on Java " + System.getProperty("java.version"));
        out.put("binding", ((com.sun.xml.ws.api.WSBinding) provider.getBinding()).getSOAPVersion().httpBindingId);
        out.put("endpoint", provider.getRequestContext().get(BindingProvider.ENDPOINT_ADDRESS_PROPERTY));

        Map<String, Object> created = variant.create(entity, srvCode, value, invoice, refs);
        out.put("created", created);
        forceOk(wsdl, (String) created.get("TicketId"));
        out.put("info", variant.info(entity, (String) created.get("TicketId")));
        out.put("failed", variant.create(UNKNOWN_ENTITY, srvCode, value, invoice, refs));
        System.out.println(json(out));
    }
}
