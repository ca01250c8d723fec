using FedN.Storage.Metadata;

namespace FedN.Storage.Tests;

public sealed class PageRequestTests
{
    [Fact]
    public void Every_way_of_making_a_first_page_asks_for_the_default_size()
    {
        Assert.Equal(100, new PageRequest().PageSize);
        Assert.Equal(100, new PageRequest(ContinuationToken: "t").PageSize);
        Assert.Equal(100, PageRequest.First.PageSize);
        Assert.Equal(7, new PageRequest(7).PageSize);
    }
}
