using Xunit;

// Each test class starts its own server and browser; on a 2-core machine running them side by side
// starves the Blazor circuits into timeouts. One class at a time is slower but dependable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
