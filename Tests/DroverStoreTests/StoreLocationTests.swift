import DroverStore
import Testing

@Suite("where the run store lives")
struct StoreLocationTests {
    @Test("DROVER_HOME, else an absolute XDG_DATA_HOME/drover, else HOME/.local/share/drover")
    func precedence() {
        #expect(StoreLocation.home(environment: ["DROVER_HOME": "/d", "XDG_DATA_HOME": "/x", "HOME": "/h"]) == "/d")
        #expect(StoreLocation.home(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]) == "/x/drover")
        #expect(StoreLocation.home(environment: ["HOME": "/h"]) == "/h/.local/share/drover")
        // Empty values count as unset; a relative XDG_DATA_HOME is invalid (the XDG spec).
        #expect(StoreLocation.home(environment: ["DROVER_HOME": "", "XDG_DATA_HOME": "", "HOME": "/h"]) == "/h/.local/share/drover")
        #expect(StoreLocation.home(environment: ["XDG_DATA_HOME": "data", "HOME": "/h"]) == "/h/.local/share/drover")
    }
}
