namespace Crm.Modules.Templates.Filling;

/// <summary>LibreOffice is missing, failed, or ran out of time; the message says which.</summary>
public sealed class PdfConversionException : Exception
{
    public PdfConversionException()
    {
    }

    public PdfConversionException(string message)
        : base(message)
    {
    }

    public PdfConversionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
