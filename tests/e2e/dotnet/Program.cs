// A classic ASMX merchant client of the eCollect SOAP services: the SoapHttpClientProtocol
// proxy that Mono's `wsdl` tool generates from the gateway's own WSDL, compiled at test time
// with `mcs` together with this file, one executable per schema:
//
//   -define:V2   proxy in namespace ECollect.V2   <- /app_express/.../eCollectWebservicesv2.asmx?wsdl
//   -define:V3A  proxy in namespace ECollect.V3A  <- /p_express/.../eCollectWebservicesv3.asmx?wsdl
//   -define:V3B  proxy in namespace ECollect.V3B  <- /app_express/.../eCollectWebservicesv3.asmx?wsdl
//
// (the SOAP 1.2 proxy comes from `wsdl -protocol:SOAP12`, the order-strict one from the same proxy
// with XmlElement(Order=n) on every member, as svcutil and Visual Studio write them; the test
// builds both, this file is the same for all).
//
// Usage: Program.exe <endpoint url> <entity> <srvCode> <transValue> <invoice> ref...
// Flow: create -> POST <gateway>/sandbox/transactions/<TicketId>/outcome TranState=OK ->
// getTransactionInformation, then a create for the unknown entity 99999. The last line of
// stdout is one JSON object with what the XmlSerializer read.

using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Reflection;
using System.Text;

#if V2
using Proxy = ECollect.V2;
using Service = ECollect.V2.eCollectWebservicesv2;
#elif V3A
using Proxy = ECollect.V3A;
using Service = ECollect.V3A.eCollectWebservicesv3;
#elif V3B
using Proxy = ECollect.V3B;
using Service = ECollect.V3B.eCollectWebservicesv3;
#else
#error define V2, V3A or V3B
#endif

/// <summary>The generated proxy, recording the HTTP requests it makes (a common logging hook).</summary>
public class RecordingService : Service
{
    public readonly List<WebRequest> Requests = new List<WebRequest>();

    protected override WebRequest GetWebRequest(Uri uri)
    {
        WebRequest request = base.GetWebRequest(uri);
        Requests.Add(request);
        return request;
    }
}

public static class Program
{
    const string UnknownEntity = "99999";

    static Dictionary<string, object> Create(Service service, string entity, string srvCode,
        decimal value, string invoice, string[] refs)
    {
        var request = new Proxy.createTransactionType
        {
            EntityCode = entity,
            SrvCode = srvCode,
            TransValue = value,
            TransVatValue = 0m,
            SrvCurrency = "COP",
            URLResponse = "https://merchant.example/notify",
            URLRedirect = "https://merchant.example/return",
            ReferenceArray = refs,
#if V3B
            Invoice = invoice,
#endif
        };
        Proxy.createTransactionResponseType reply = service.createTransactionPayment(request);
        return new Dictionary<string, object>
        {
            { "ReturnCode", reply.ReturnCode },
            { "TicketId", reply.TicketId },
            { "eCollectUrl", reply.eCollectUrl },
        };
    }

    static Dictionary<string, object> Info(Service service, string entity, string ticketId)
    {
        var request = new Proxy.getTransactionInformationType { EntityCode = entity, TicketId = ticketId };
        Proxy.getTransactionInformationResponseType r = service.getTransactionInformation(request);
        var info = new Dictionary<string, object>
        {
            { "ReturnCode", r.ReturnCode },
            { "EntityCode", r.EntityCode },
            { "TicketId", r.TicketId },
            { "TrazabilityCode", r.TrazabilityCode },
            { "TranState", r.TranState },
            { "TransValue", r.TransValue },
            { "TransVatValue", r.TransVatValue },
            { "PayCurrency", r.PayCurrency },
            { "CurrencyRate", r.CurrencyRate },
            { "BankProcessDate", r.BankProcessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            { "BankProcessDateFull", r.BankProcessDate.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) },
            { "BankProcessDateKind", r.BankProcessDate.Kind.ToString() },
            { "BankName", r.BankName },
            { "PaymentSystem", r.PaymentSystem },
            { "ReferenceArray", r.ReferenceArray },
            { "RetriesTicketId", r.RetriesTicketId == null ? 0 : r.RetriesTicketId.Length },
        };
#if V3A || V3B
        info["AuthReferenceArray"] = r.AuthReferenceArray;
#endif
#if V3B
        info["FICode"] = r.FICode;
        info["TransCycle"] = r.TransCycle;
        info["Invoice"] = r.Invoice;
        info["SrvCode"] = r.SrvCode;
        info["OperationArray"] = r.OperationArray == null ? 0 : r.OperationArray.Length;
        info["AdditionalInfoArray"] = r.AdditionalInfoArray == null ? 0 : r.AdditionalInfoArray.Length;
#endif
        return info;
    }

    static void ForceOk(Uri endpoint, string ticketId)
    {
        var url = new Uri(endpoint, "/sandbox/transactions/" + ticketId + "/outcome");
        using (var web = new WebClient())
        {
            web.Headers[HttpRequestHeader.ContentType] = "application/x-www-form-urlencoded";
            web.UploadString(url, "POST", "TranState=OK");  // throws WebException unless 2xx
        }
    }

    static string MonoVersion()
    {
        Type mono = Type.GetType("Mono.Runtime");
        MethodInfo name = mono == null ? null
            : mono.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
        return name == null ? Environment.Version.ToString() : (string)name.Invoke(null, null);
    }

    static bool Ordered()
    {
        // True when the proxy members carry XmlElement(Order=n) (the order-strict flavour).
        PropertyInfo property = typeof(Proxy.getTransactionInformationResponseType).GetProperty("TicketId");
        foreach (object attribute in property.GetCustomAttributes(typeof(System.Xml.Serialization.XmlElementAttribute), false))
        {
            if (((System.Xml.Serialization.XmlElementAttribute)attribute).Order >= 0)
            {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ JSON out

    static string Json(object value)
    {
        if (value == null) return "null";
        if (value is bool) return (bool)value ? "true" : "false";
        if (value is int) return ((int)value).ToString(CultureInfo.InvariantCulture);
        if (value is decimal) return Json(((decimal)value).ToString(CultureInfo.InvariantCulture));
        var map = value as IDictionary<string, object>;
        if (map != null)
        {
            var parts = new List<string>();
            foreach (KeyValuePair<string, object> entry in map) parts.Add(Json(entry.Key) + ":" + Json(entry.Value));
            return "{" + string.Join(",", parts) + "}";
        }
        if (!(value is string) && value is IEnumerable)
        {
            var parts = new List<string>();
            foreach (object item in (IEnumerable)value) parts.Add(Json(item));
            return "[" + string.Join(",", parts) + "]";
        }
        var text = new StringBuilder("\"");
        foreach (char c in value.ToString())
        {
            if (c == '"') text.Append("\\\"");
            else if (c == '\\') text.Append("\\\\");
            else if (c < 0x20 || c > 0x7e) text.AppendFormat("\\u{0:x4}", (int)c);
            else text.Append(c);
        }
        return text.Append('"').ToString();
    }

    public static int Main(string[] args)
    {
        if (args.Length < 6)
        {
            Console.Error.WriteLine("usage: Program.exe <endpoint> <entity> <srvCode> <transValue> <invoice> ref...");
            return 2;
        }
        var endpoint = new Uri(args[0]);
        string entity = args[1], srvCode = args[2], invoice = args[4];
        decimal value = decimal.Parse(args[3], CultureInfo.InvariantCulture);
        var refs = new string[args.Length - 5];
        Array.Copy(args, 5, refs, 0, refs.Length);

        var service = new RecordingService { Url = endpoint.ToString(), Timeout = 60000 };
        var output = new Dictionary<string, object>
        {
            { "client", "Mono " + MonoVersion() + ", System.Web.Services " + typeof(Service).BaseType.Assembly.GetName().Version },
            { "proxy", typeof(Service).FullName },
            { "soapVersion", service.SoapVersion.ToString() },
            { "ordered", Ordered() },
            { "endpoint", service.Url },
        };
        Dictionary<string, object> created = Create(service, entity, srvCode, value, invoice, refs);
        output["created"] = created;
        ForceOk(endpoint, (string)created["TicketId"]);
        output["info"] = Info(service, entity, (string)created["TicketId"]);
        output["failed"] = Create(service, UnknownEntity, srvCode, value, invoice, refs);
        var wire = new List<object>();
        foreach (WebRequest request in service.Requests)
        {
            wire.Add(new Dictionary<string, object>
            {
                { "ContentType", request.ContentType },
                { "SOAPAction", request.Headers["SOAPAction"] },
            });
        }
        output["requests"] = wire;
        Console.WriteLine(Json(output));
        return 0;
    }
}
