/// Category codes in the style of the real REES46 dumps (126 of them, like a real month).
enum CategoryNames {
    static let all: [String] = [
        "electronics.smartphone", "electronics.audio.headphone", "electronics.video.tv", "electronics.clocks", "electronics.tablet", "electronics.camera.photo", "electronics.audio.acoustic", "electronics.telephone", "electronics.video.projector", "electronics.audio.subwoofer", "electronics.camera.video", "electronics.audio.music_tools.piano", "electronics.audio.microphone", "electronics.audio.dictaphone", "electronics.audio.amplifier", "appliances.kitchen.refrigerators", "appliances.kitchen.washer", "appliances.environment.vacuum", "appliances.kitchen.microwave", "appliances.kitchen.kettle", "appliances.environment.air_heater", "appliances.environment.water_heater", "appliances.iron", "appliances.kitchen.oven", "appliances.kitchen.blender", "appliances.kitchen.mixer", "appliances.kitchen.coffee_machine", "appliances.kitchen.hood", "appliances.kitchen.dishwasher", "appliances.environment.air_conditioner", "appliances.personal.hair_cutter", "appliances.kitchen.juicer", "appliances.kitchen.meat_grinder", "appliances.kitchen.toster", "appliances.environment.fan", "appliances.sewing_machine", "appliances.personal.scales", "appliances.kitchen.grill", "appliances.kitchen.hob", "appliances.kitchen.fryer", "appliances.personal.massager", "appliances.ironing_board", "appliances.kitchen.steam_cooker", "appliances.environment.climate", "appliances.kitchen.coffee_grinder", "appliances.kitchen.multicooker", "computers.notebook", "computers.desktop", "computers.peripherals.printer", "computers.components.videocards", "computers.peripherals.monitor", "computers.components.motherboard", "computers.components.cpu", "computers.components.hdd", "computers.components.memory", "computers.peripherals.mouse", "computers.peripherals.keyboard", "computers.components.power_supply", "computers.network.router", "computers.peripherals.camera", "computers.components.cooler", "computers.components.sound_card", "computers.peripherals.scanner", "computers.ebooks", "computers.components.tv_tuner", "computers.components.cdrw", "furniture.living_room.sofa", "furniture.bedroom.bed", "furniture.living_room.cabinet", "furniture.kitchen.table", "furniture.kitchen.chair", "furniture.bathroom.bath", "furniture.living_room.chair", "furniture.bedroom.pillow", "furniture.universal.light", "furniture.bedroom.blanket", "furniture.living_room.shelving", "furniture.office.chair", "furniture.bathroom.toilet", "furniture.universal.mattress", "apparel.shoes", "apparel.shoes.keds", "apparel.costume", "apparel.trousers", "apparel.shirt", "apparel.jeans", "apparel.shoes.sandals", "apparel.shoes.slipons", "apparel.jacket", "apparel.tshirt", "apparel.skirt", "apparel.dress", "apparel.underwear", "apparel.sock", "apparel.shoes.step_ins", "apparel.belt", "apparel.scarf", "apparel.glove", "apparel.shoes.moccasins", "apparel.shoes.ballet_shoes", "kids.toys", "kids.carriage", "kids.dolls", "kids.skates", "kids.swing", "kids.bottles", "kids.fmcg.diapers", "auto.accessories.player", "auto.accessories.alarm", "auto.accessories.videoregister", "auto.accessories.radar", "auto.accessories.compressor", "auto.accessories.parktronic", "auto.accessories.winch", "construction.tools.drill", "construction.tools.saw", "construction.tools.light", "construction.tools.welding", "construction.tools.generator", "construction.tools.pump", "construction.components.faucet", "construction.tools.heater", "construction.tools.screw", "construction.tools.painting", "sport.bicycle", "sport.tennis"
    ]
}

/// Brand names: the most frequent real ones first (Zipf ranks), then pronounceable synthetic ones.
enum BrandNames {
    static let real: [String] = ["samsung", "apple", "xiaomi", "huawei", "lucente", "lg", "bosch", "oppo", "sony", "acer", "lenovo", "respect", "artel", "hp", "indesit", "cordiant", "asus", "elenberg", "pioneer", "tefal", "redmond", "vitek", "nokian", "philips", "beko", "canon", "polaris", "haier", "atlant", "casio", "lego", "hasbro", "nike", "adidas", "rondell", "shiseido", "aqua", "kiturami", "janome", "garmin"]

    static func make(count: Int) -> [String] {
        var names = real
        var seen = Set(names)
        let consonants = Array("bcdfgklmnprstvz"), vowels = Array("aeiou")
        var i = 0
        while names.count < count {
            var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 &+ 12345
            var name = ""
            for k in 0..<(2 + Int(x % 3)) {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                name.append(consonants[Int((x >> 33) % UInt64(consonants.count))])
                name.append(vowels[Int((x >> 40) % UInt64(vowels.count))])
                if k == 0 && (x >> 50) % 3 == 0 { name.append("r") }
            }
            if seen.insert(name).inserted { names.append(name) }
            i += 1
        }
        return names
    }
}
