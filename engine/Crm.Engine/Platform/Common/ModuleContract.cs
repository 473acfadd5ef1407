namespace Crm.Platform.Common;

/// <summary>
/// Marks a type of a business module that other modules may use: the module's declared contract. Anything
/// else in a module is its own business; the architecture test fails when another module reaches it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Enum, AllowMultiple = false)]
public sealed class ModuleContractAttribute : Attribute;
