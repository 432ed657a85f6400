@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

/// `phantom render`: the legend shows every tissue present, the scale bar has its stated
/// length, and the audit's findings are marked.
final class RenderTests: XCTestCase {
    static func generated() throws -> Phantom {
        var o = VertebraPhantomOptions()
        o.voxelMm = 2; o.level = "L1"
        return try VertebraPhantomGenerator.generate(o)
    }

    /// Longest horizontal run of pure white pixels in rows `rows`, columns `columns`.
    func longestWhiteRun(_ image: RGBImage, rows: Range<Int>, columns: Range<Int>) -> Int {
        var best = 0
        for y in rows {
            var run = 0
            for x in columns {
                run = image.pixel(x, y) == (255, 255, 255) ? run + 1 : 0
                best = max(best, run)
            }
        }
        return best
    }

    func testLegendScaleBarAndFindings() throws {
        let phantom = try Self.generated()
        let pixel = 0.25e-3
        let image = phantom.renderOverview(pixelSize: pixel)
        let panel = phantom.renderSlice(.axial, through: phantom.grid.world(SIMD3(0, 0, 0)), pixelSize: pixel)
        // Below the panels: a swatch of every tissue present, and no colour of an absent one.
        let legendTop = 8 + panel.height + 8
        var colours = Set<[UInt8]>()
        for y in legendTop..<image.height { for x in 0..<image.width { let c = image.pixel(x, y); colours.insert([c.0, c.1, c.2]) } }
        for name in phantom.legend.values {
            let c = Phantom.tissueColors[name]!
            XCTAssertTrue(colours.contains([c.0, c.1, c.2]), "legend swatch of \(name)")
        }
        let absent = Phantom.tissueColors["blood"]!
        XCTAssertFalse(colours.contains([absent.0, absent.1, absent.2]))
        // The scale bar of the first panel: 10 mm = 40 pixels of 0.25 mm, the only white run
        // longer than a letter (cortical bone is off-white).
        XCTAssertEqual(longestWhiteRun(image, rows: 8..<(8 + panel.height), columns: 8..<(8 + panel.width)), 40)
        // A clean phantom has no finding marks; a cord voxel moved into the muscle is marked
        // in red where it lies in a rendered slice.
        let red = (UInt8(255), UInt8(0), UInt8(0))
        XCTAssertFalse(image.pixels.indices.lazy.filter { $0 % 3 == 0 }.contains { (image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2]) == red })
        var broken = phantom
        let g = broken.grid
        let centre = broken.landmarks.pedicleLeft.map { ($0.entry + $0.target) / 2 }!
        var q = g.index(centre).rounded(.toNearestOrEven)
        q.x = Double(g.nx / 2); q.y = 1
        let idx = (Int(q.z) * g.ny + Int(q.y)) * g.nx + Int(q.x)
        broken.labels[idx] = PhantomLabels.spinalCord
        let audit = AnatomyAudit.run(broken)
        XCTAssertFalse(audit.passed)
        let marked = broken.renderOverview(pixelSize: pixel)
        XCTAssertTrue(marked.pixels.indices.lazy.filter { $0 % 3 == 0 }.contains { (marked.pixels[$0], marked.pixels[$0 + 1], marked.pixels[$0 + 2]) == red })
    }

    func testPixelFont() {
        XCTAssertEqual(PixelFont.width(of: "10 MM"), 5 * 6 - 1)
        XCTAssertEqual(PixelFont.width(of: "AB", scale: 3), 11 * 3)
        var image = RGBImage(width: 20, height: 10, fill: (0, 0, 0))
        PixelFont.draw("l", on: &image, x: 1, y: 1, color: (255, 255, 255))
        // "L": a 7-pixel column and a 5-pixel foot, drawn for the lower-case letter too.
        XCTAssertEqual(stride(from: 0, to: image.pixels.count, by: 3).filter { image.pixels[$0] == 255 }.count, 11)
        XCTAssertTrue(image.pixel(1, 7) == (255, 255, 255) && image.pixel(5, 7) == (255, 255, 255))
        XCTAssertTrue(image.pixel(2, 1) == (0, 0, 0))
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:()/,?" { XCTAssertNotNil(PixelFont.glyphs[c], "glyph \(c)") }
    }
}
